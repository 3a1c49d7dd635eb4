// kNoThrow: the completion token every coroutine of the server awaits with.
//
//   auto [error, bytes] = co_await socket.async_read_some(buffer, kNoThrow);
//
// With plain asio::use_awaitable a failed operation throws asio::system_error.
// Here a client going away, a timer cancelled or accept() failing is normal
// work, not an exception: as_tuple hands the error back as the first value,
// and the code says what each one means right where it happens.
#pragma once

#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

namespace mini_redis::server {

inline constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);

}  // namespace mini_redis::server
