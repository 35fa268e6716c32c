#include "services/admin/metrics_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clinic {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Sends `request` to 127.0.0.1:`port` and returns the whole response.
std::string Fetch(int port, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<struct sockaddr*>(&addr), sizeof addr) !=
      0) {
    ::close(fd);
    return "connect failed";
  }
  ::send(fd, request.data(), request.size(), 0);
  std::string response;
  char buffer[4096];
  ssize_t n;
  while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0)
    response.append(buffer, n);
  ::close(fd);
  return response;
}

TEST(MetricsHttpServerTest, ServesRenderedTextAtMetricsOnly) {
  std::atomic<int> renders{0};
  auto server = MetricsHttpServer::Start("127.0.0.1:0", false, [&] {
    ++renders;
    return std::string("clinic_up 1\n");
  });
  ASSERT_TRUE(server.ok()) << server.status();
  int port = (*server)->port();
  ASSERT_GT(port, 0);

  std::string ok = Fetch(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_THAT(ok, StartsWith("HTTP/1.0 200 OK\r\n"));
  EXPECT_THAT(ok, HasSubstr("Content-Type: text/plain; version=0.0.4"));
  EXPECT_THAT(ok, HasSubstr("\r\n\r\nclinic_up 1\n"));
  EXPECT_EQ(renders.load(), 1);

  EXPECT_THAT(Fetch(port, "GET / HTTP/1.0\r\n\r\n"),
              StartsWith("HTTP/1.0 404"));
  EXPECT_THAT(Fetch(port, "POST /metrics HTTP/1.0\r\n\r\n"),
              StartsWith("HTTP/1.0 405"));
  EXPECT_EQ(renders.load(), 1);

  (*server)->Stop();
  EXPECT_EQ(Fetch(port, "GET /metrics HTTP/1.0\r\n\r\n").find("200 OK"),
            std::string::npos);
}

TEST(MetricsHttpServerTest, NonLoopbackAddressIsRefusedUnlessAllowed) {
  auto refused =
      MetricsHttpServer::Start("0.0.0.0:0", false, [] { return ""; });
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("metrics.allow_non_loopback"));
  auto allowed = MetricsHttpServer::Start("0.0.0.0:0", true, [] { return ""; });
  EXPECT_TRUE(allowed.ok()) << allowed.status();
}

TEST(MetricsHttpServerTest, MalformedAddressIsInvalidArgument) {
  EXPECT_EQ(MetricsHttpServer::Start("no-port", false, [] { return ""; })
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace clinic
