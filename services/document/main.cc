// The document service as its own server process (split deployment).
#include "services/common/server_main.h"
#include "services/document/document_service.h"

int main(int argc, char** argv) {
  return clinic::RunServerMain(argc, argv,
                               {"document_server",
                                "Clinic document service",
                                {clinic::DocumentServiceDefinition()},
                                nullptr});
}
