// The parameters of replication, cluster mode and TLS. All stored and
// reported, none with an effect yet: mini-redis has no replicas, no cluster
// bus and speaks plain TCP. Client libraries and test suites set several of
// them at start, and stop at the first one a server does not know.
//
// The replica-* rows keep their Redis 5 names (slave-*) as aliases, as
// Redis 7.0 does.
#include <array>

#include "common/ascii.h"
#include "config/config_parameters.h"
#include "config/config_values.h"

namespace mini_redis::config {

namespace {

using config_values::parse_like_strtoll;
using config_values::split_on_spaces;

constexpr std::array<Choice, 3> kDisklessLoad{{{"disabled"}, {"on-empty-db"}, {"swapdb"}}};
constexpr std::array<Choice, 3> kEndpointTypes{{{"ip"}, {"hostname"}, {"unknown-endpoint"}}};
constexpr std::array<Choice, 3> kTlsAuthClients{{{"no"}, {"yes"}, {"optional"}}};

// replicaof "<host> <port>" or "no one" (start-up only; at run time the
// REPLICAOF command is the way). The port is read with strtol(), and shown
// as a plain number.
SetResult set_replicaof(Config& config, std::string_view value, bool /*at_startup*/) {
  const std::vector<std::string_view> words = split_on_spaces(value);
  if (words.size() != 2) return "wrong number of arguments";
  if (equals_ignore_case(words[0], "no") && equals_ignore_case(words[1], "one")) {
    config.replicaof.clear();
    return std::nullopt;
  }
  auto port = parse_like_strtoll(words[1]);
  if (!port || *port < 0 || *port > 65535) return "Invalid master port";
  config.replicaof = std::string(words[0]) + ' ' + to_text(*port);
  return std::nullopt;
}

// cluster-announce-hostname: what Redis can put in a cluster message.
SetResult check_hostname(const Config& /*config*/, std::string_view name) {
  constexpr std::size_t kMaxHostLength = 256;  // NET_HOST_STR_LEN
  if (name.size() >= kMaxHostLength) return "Hostnames must be less than 256 characters";
  for (char c : name) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!allowed) return "Hostnames may only contain alphanumeric characters, hyphens or dots";
  }
  return std::nullopt;
}

const std::array kReplicationParameters{
    // replication: stored, no effect yet
    special("replicaof", set_replicaof, [](const Config& c) { return c.replicaof; })
        .startup_only()
        .also_named("slaveof"),
    text("masterauth", &Config::masterauth),
    text("masteruser", &Config::masteruser),
    yes_no("replica-serve-stale-data", &Config::replica_serve_stale_data)
        .also_named("slave-serve-stale-data"),
    yes_no("replica-read-only", &Config::replica_read_only).also_named("slave-read-only"),
    yes_no("replica-lazy-flush", &Config::replica_lazy_flush).also_named("slave-lazy-flush"),
    yes_no("replica-ignore-maxmemory", &Config::replica_ignore_maxmemory)
        .also_named("slave-ignore-maxmemory"),
    yes_no("replica-announced", &Config::replica_announced),
    yes_no("replica-ignore-disk-write-errors", &Config::replica_ignore_disk_write_errors),
    text("replica-announce-ip", &Config::replica_announce_ip).also_named("slave-announce-ip"),
    integer("replica-announce-port", &Config::replica_announce_port, 0, 65535)
        .also_named("slave-announce-port"),
    integer("replica-priority", &Config::replica_priority, 0, kIntMax).also_named("slave-priority"),
    yes_no("repl-diskless-sync", &Config::repl_diskless_sync),
    integer("repl-diskless-sync-delay", &Config::repl_diskless_sync_delay, 0, kIntMax),
    integer("repl-diskless-sync-max-replicas", &Config::repl_diskless_sync_max_replicas, 0,
            kIntMax),
    choice("repl-diskless-load", &Config::repl_diskless_load, kDisklessLoad),
    integer("repl-ping-replica-period", &Config::repl_ping_replica_period, 1, kIntMax)
        .also_named("repl-ping-slave-period"),
    integer("repl-timeout", &Config::repl_timeout, 1, kIntMax),
    yes_no("repl-disable-tcp-nodelay", &Config::repl_disable_tcp_nodelay),
    memory("repl-backlog-size", &Config::repl_backlog_size, 1, kLongLongMax),
    integer("repl-backlog-ttl", &Config::repl_backlog_ttl, 0, kLongLongMax),
    integer("min-replicas-to-write", &Config::min_replicas_to_write, 0, kIntMax)
        .also_named("min-slaves-to-write"),
    integer("min-replicas-max-lag", &Config::min_replicas_max_lag, 0, kIntMax)
        .also_named("min-slaves-max-lag"),
    // cluster: stored, no effect
    yes_no("cluster-enabled", &Config::cluster_enabled).startup_only(),
    text("cluster-config-file", &Config::cluster_config_file).startup_only(),
    integer("cluster-node-timeout", &Config::cluster_node_timeout, 0, kLongLongMax),
    integer("cluster-port", &Config::cluster_port, 0, 65535).startup_only(),
    text("cluster-announce-ip", &Config::cluster_announce_ip),
    text("cluster-announce-hostname", &Config::cluster_announce_hostname)
        .checked_by(check_hostname),
    integer("cluster-announce-port", &Config::cluster_announce_port, 0, 65535),
    integer("cluster-announce-bus-port", &Config::cluster_announce_bus_port, 0, 65535),
    integer("cluster-announce-tls-port", &Config::cluster_announce_tls_port, 0, 65535),
    integer("cluster-replica-validity-factor", &Config::cluster_replica_validity_factor, 0, kIntMax)
        .also_named("cluster-slave-validity-factor"),
    integer("cluster-migration-barrier", &Config::cluster_migration_barrier, 0, kIntMax),
    yes_no("cluster-allow-replica-migration", &Config::cluster_allow_replica_migration),
    yes_no("cluster-require-full-coverage", &Config::cluster_require_full_coverage),
    yes_no("cluster-replica-no-failover", &Config::cluster_replica_no_failover)
        .also_named("cluster-slave-no-failover"),
    yes_no("cluster-allow-reads-when-down", &Config::cluster_allow_reads_when_down),
    yes_no("cluster-allow-pubsubshard-when-down", &Config::cluster_allow_pubsubshard_when_down),
    memory("cluster-link-sendbuf-limit", &Config::cluster_link_sendbuf_limit, 0, kAnyUint64),
    choice("cluster-preferred-endpoint-type", &Config::cluster_preferred_endpoint_type,
           kEndpointTypes),
    // TLS: stored, no effect
    integer("tls-port", &Config::tls_port, 0, 65535),
    text("tls-cert-file", &Config::tls_cert_file),
    text("tls-key-file", &Config::tls_key_file),
    text("tls-key-file-pass", &Config::tls_key_file_pass),
    text("tls-client-cert-file", &Config::tls_client_cert_file),
    text("tls-client-key-file", &Config::tls_client_key_file),
    text("tls-client-key-file-pass", &Config::tls_client_key_file_pass),
    text("tls-dh-params-file", &Config::tls_dh_params_file),
    text("tls-ca-cert-file", &Config::tls_ca_cert_file),
    text("tls-ca-cert-dir", &Config::tls_ca_cert_dir),
    text("tls-protocols", &Config::tls_protocols),
    text("tls-ciphers", &Config::tls_ciphers),
    text("tls-ciphersuites", &Config::tls_ciphersuites),
    choice("tls-auth-clients", &Config::tls_auth_clients, kTlsAuthClients),
    yes_no("tls-replication", &Config::tls_replication),
    yes_no("tls-cluster", &Config::tls_cluster),
    yes_no("tls-prefer-server-ciphers", &Config::tls_prefer_server_ciphers),
    yes_no("tls-session-caching", &Config::tls_session_caching),
    integer("tls-session-cache-size", &Config::tls_session_cache_size, 0, kIntMax),
    integer("tls-session-cache-timeout", &Config::tls_session_cache_timeout, 0, kIntMax),
};

}  // namespace

std::span<const Parameter> replication_parameters() {
  return kReplicationParameters;
}

}  // namespace mini_redis::config
