// The deadline service as its own server process (split deployment).
#include "services/common/server_main.h"
#include "services/deadline/deadline_service.h"

int main(int argc, char** argv) {
  return clinic::RunServerMain(argc, argv,
                               {"deadline_server",
                                "Clinic deadline service",
                                {clinic::DeadlineServiceDefinition()},
                                nullptr});
}
