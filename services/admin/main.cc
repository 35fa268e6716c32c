// The admin service as its own server process (split deployment).
#include "services/admin/admin_service.h"
#include "services/common/server_main.h"

int main(int argc, char** argv) {
  return clinic::RunServerMain(argc, argv,
                               {"admin_server",
                                "Clinic admin service",
                                {clinic::AdminServiceDefinition()},
                                nullptr});
}
