// The few file operations the snapshot and the AOF share: writing a whole
// buffer, making a rename durable, the errno text and the Unix time for the
// log lines and the files' metadata.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mini_redis::server {

// write() until every byte is out (a write to a file may be short); false
// on an error, with errno set.
bool write_all(int fd, std::string_view bytes);
// The same, telling how many bytes did go out before an error.
bool write_all(int fd, std::string_view bytes, std::size_t& written);

// fsync of the directory itself, so that a new or renamed file in it
// survives a power cut (Redis's fsyncFileDir).
void sync_directory(const std::string& directory);

std::string errno_text();
std::int64_t unix_seconds();

}  // namespace mini_redis::server
