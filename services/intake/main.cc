// The intake service as its own server process (split deployment).
#include "services/common/server_main.h"
#include "services/intake/intake_service.h"

int main(int argc, char** argv) {
  return clinic::RunServerMain(argc, argv,
                               {"intake_server",
                                "Clinic intake service",
                                {clinic::IntakeServiceDefinition()},
                                nullptr});
}
