// The hearing service as its own server process (split deployment).
#include "services/common/server_main.h"
#include "services/hearing/hearing_service.h"

int main(int argc, char** argv) {
  return clinic::RunServerMain(argc, argv,
                               {"hearing_server",
                                "Clinic hearing service",
                                {clinic::HearingServiceDefinition()},
                                nullptr});
}
