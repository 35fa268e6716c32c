// The auth service as its own server process (split deployment).
#include "services/auth/auth_service.h"
#include "services/common/server_main.h"

int main(int argc, char** argv) {
  return clinic::RunServerMain(argc, argv,
                               {"auth_server",
                                "Clinic auth service",
                                {clinic::AuthServiceDefinition()},
                                nullptr});
}
