// The Prometheus scrape endpoint: a deliberately tiny HTTP/1.0 server on its
// own port that answers `GET /metrics` with the text `render()` returns, and
// nothing else (404 for other paths, 405 for other methods). It is separate
// from the gRPC port so that it can stay on loopback (a local Prometheus or
// node exporter scrapes it) while gRPC faces the network: a non-loopback
// address is refused unless explicitly allowed. It serves no client data:
// only counters and sizes.
//
// One connection at a time (scrapes are rare and small); a slow client is cut
// off after 2 seconds.
//
// Thread-safe.
#ifndef CLINIC_SERVICES_ADMIN_METRICS_HTTP_H_
#define CLINIC_SERVICES_ADMIN_METRICS_HTTP_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace clinic {

class MetricsHttpServer {
 public:
  // Listens on `address` ("host:port"; port 0 picks one). INVALID_ARGUMENT
  // for a malformed address or a non-loopback host without
  // `allow_non_loopback`; UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(
      const std::string& address, bool allow_non_loopback,
      std::function<std::string()> render);

  // Stops serving (Stop()).
  ~MetricsHttpServer();
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  int port() const { return port_; }
  // Stops accepting and joins the serving thread. Idempotent.
  void Stop();

 private:
  MetricsHttpServer() = default;
  void Serve();
  void Answer(int fd);

  std::function<std::string()> render_;
  int listen_fd_ = -1;
  int wake_read_ = -1;
  int wake_write_ = -1;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace clinic

#endif  // CLINIC_SERVICES_ADMIN_METRICS_HTTP_H_
