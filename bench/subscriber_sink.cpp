// subscriber_sink: N Pub/Sub subscribers that read as fast as they can.
//
//     subscriber_sink PORT CONNECTIONS CHANNEL [HOST]
//
// bench/compare measures PUBLISH fan-out: redis-benchmark publishes, and
// every message goes out to each subscriber of the channel. Those
// subscribers must cost the server nothing beyond the writes themselves: a
// slow reader would leave messages piling up in the server (up to the
// pubsub client-output-buffer-limit, 32 MB, after which Redis drops the
// client) and measure the reader instead of the server. So this program
// opens CONNECTIONS sockets to HOST:PORT (default 127.0.0.1), sends
// SUBSCRIBE CHANNEL on each, checks the confirmation, and from then on only
// drains them: one thread, epoll, 1 MiB reads, no parsing.
//
// What it prints on stdout, one line each, for the script that drives it:
//   ready N                 once all N connections are subscribed
//   bytes B open K          B message bytes read so far (confirmations not
//                           counted), K connections still open; printed on
//                           SIGUSR1, and as the last line on SIGINT/SIGTERM
//                           or when every connection has been closed
// The caller checks B against what the publishes should have delivered,
// and K against N: a subscriber dropped by the server shows up there.
//
// Plain POSIX sockets and epoll, Linux only, like the rest of bench/.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

// Set by the signal handlers, read by the main loop.
volatile std::sig_atomic_t stop_requested = 0;
volatile std::sig_atomic_t report_requested = 0;

void on_stop_signal(int /*signal*/) {
  stop_requested = 1;
}
void on_report_signal(int /*signal*/) {
  report_requested = 1;
}

// How often the loop wakes up even without data, so that a signal arriving
// just before epoll_wait is seen within this time.
constexpr int kWakeUpMs = 100;
constexpr std::size_t kReadBytes = 1024 * 1024;

// Owns one file descriptor and closes it.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd = -1) : fd_(fd) {}
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileDescriptor& operator=(FileDescriptor&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = other.fd_;
      other.fd_ = -1;
    }
    return *this;
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() { reset(); }

  [[nodiscard]] int get() const { return fd_; }
  [[nodiscard]] bool is_open() const { return fd_ >= 0; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "subscriber_sink: %s: %s\n", what.c_str(), std::strerror(errno));
  std::exit(1);
}

[[noreturn]] void usage() {
  std::fprintf(stderr, "usage: subscriber_sink PORT CONNECTIONS CHANNEL [HOST]\n");
  std::exit(2);
}

int parse_positive(std::string_view text) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value <= 0) usage();
  return value;
}

// "*2\r\n$9\r\nSUBSCRIBE\r\n$<n>\r\n<channel>\r\n": the request, as a RESP array.
std::string subscribe_request(std::string_view channel) {
  return "*2\r\n$9\r\nSUBSCRIBE\r\n$" + std::to_string(channel.size()) + "\r\n" +
         std::string(channel) + "\r\n";
}

// What Redis answers (RESP2): ["subscribe", channel, 1 subscription].
std::string subscribe_confirmation(std::string_view channel) {
  return "*3\r\n$9\r\nsubscribe\r\n$" + std::to_string(channel.size()) + "\r\n" +
         std::string(channel) + "\r\n:1\r\n";
}

void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      fail("write");
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
}

FileDescriptor connect_to(const sockaddr_in& address) {
  FileDescriptor socket_fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!socket_fd.is_open()) fail("socket");
  if (::connect(socket_fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) < 0) {
    fail("connect");
  }
  return socket_fd;
}

// Reads exactly `expected.size()` bytes (blocking) and checks they are `expected`.
void expect_reply(int fd, const std::string& expected) {
  std::string got(expected.size(), '\0');
  std::size_t filled = 0;
  while (filled < got.size()) {
    const ssize_t n = ::read(fd, got.data() + filled, got.size() - filled);
    if (n == 0) {
      std::fprintf(stderr, "subscriber_sink: the server closed a connection during SUBSCRIBE\n");
      std::exit(1);
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("read");
    }
    filled += static_cast<std::size_t>(n);
  }
  if (got != expected) {
    std::fprintf(stderr, "subscriber_sink: unexpected reply to SUBSCRIBE: %s\n", got.c_str());
    std::exit(1);
  }
}

void report(std::uint64_t bytes, std::size_t open) {
  std::printf("bytes %llu open %zu\n", static_cast<unsigned long long>(bytes), open);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || argc > 5) usage();
  const int port = parse_positive(argv[1]);
  const int connection_count = parse_positive(argv[2]);
  const std::string_view channel = argv[3];
  const char* host = argc == 5 ? argv[4] : "127.0.0.1";
  if (port > 65535) usage();

  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::inet_pton(AF_INET, host, &address.sin_addr) != 1) usage();

  struct sigaction stop {};
  stop.sa_handler = on_stop_signal;  // no SA_RESTART: epoll_wait returns EINTR
  ::sigaction(SIGINT, &stop, nullptr);
  ::sigaction(SIGTERM, &stop, nullptr);
  struct sigaction report_action {};
  report_action.sa_handler = on_report_signal;
  ::sigaction(SIGUSR1, &report_action, nullptr);

  // Connect and subscribe everyone first, then collect the confirmations:
  // the server handles the SUBSCRIBEs while we are still sending.
  std::vector<FileDescriptor> connections;
  connections.reserve(static_cast<std::size_t>(connection_count));
  const std::string request = subscribe_request(channel);
  for (int i = 0; i < connection_count; ++i) {
    connections.push_back(connect_to(address));
    write_all(connections.back().get(), request);
  }
  const std::string confirmation = subscribe_confirmation(channel);
  for (const FileDescriptor& connection : connections) {
    expect_reply(connection.get(), confirmation);
  }

  FileDescriptor epoll(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll.is_open()) fail("epoll_create1");
  for (std::size_t i = 0; i < connections.size(); ++i) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = i;
    if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, connections[i].get(), &event) < 0) {
      fail("epoll_ctl");
    }
  }
  std::printf("ready %d\n", connection_count);
  std::fflush(stdout);

  // Drain: one big read per ready socket per wake-up. Level-triggered epoll
  // reports a socket again if a read left bytes behind.
  std::vector<char> buffer(kReadBytes);
  std::vector<epoll_event> events(connections.size());
  std::uint64_t bytes_read = 0;
  std::size_t open = connections.size();
  while (stop_requested == 0 && open > 0) {
    if (report_requested != 0) {
      report_requested = 0;
      report(bytes_read, open);
    }
    const int ready =
        ::epoll_wait(epoll.get(), events.data(), static_cast<int>(events.size()), kWakeUpMs);
    if (ready < 0) {
      if (errno == EINTR) continue;
      fail("epoll_wait");
    }
    for (int i = 0; i < ready; ++i) {
      FileDescriptor& connection = connections[events[static_cast<std::size_t>(i)].data.u64];
      const ssize_t n = ::read(connection.get(), buffer.data(), buffer.size());
      if (n > 0) {
        bytes_read += static_cast<std::uint64_t>(n);
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        connection.reset();  // closing also takes it out of the epoll set
        --open;
      }
    }
  }
  report(bytes_read, open);
  return 0;
}
