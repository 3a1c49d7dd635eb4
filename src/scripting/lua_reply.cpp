// Converting between RESP replies and Lua values, as Redis 7.0 does.
//
// A command's reply -> Lua (what redis.call returns):
//   integer -> number          bulk string -> string    status -> {ok=text}
//   error -> {err=text}        array -> table (1..n)    null bulk/array -> false
//   RESP3 (after redis.setresp(3)): null -> nil, boolean -> boolean,
//   map -> {map={k=v}}, set -> {set={member=true}}, double -> {double=n},
//   big number -> {big_number=text}, verbatim -> {verbatim_string={format, string}}
//
// A script's return value -> reply:
//   number -> integer (truncated: 3.99 answers 3)   string -> bulk string
//   true -> 1 (#t after redis.setresp(3))   false and nil -> null   {err=...} -> error
//   {ok=...} -> status      {double=n}, {big_number=s}, {map=t}, {set=t}
//   any other table -> array of t[1], t[2]... up to the first nil
#include <charconv>
#include <cstdint>

#include "scripting/lua_internal.h"

namespace mini_redis::scripting {

namespace {

// The line after the type byte, up to CRLF; `bytes` moves past it.
std::string_view take_line(std::string_view& bytes) {
  const std::size_t end = bytes.find("\r\n");
  std::string_view line = bytes.substr(1, end - 1);
  bytes.remove_prefix(end + 2);
  return line;
}

std::int64_t to_integer(std::string_view text) {
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

void push_string(lua_State* lua, std::string_view text) {
  lua_pushlstring(lua, text.data(), text.size());
}

// Wraps the value on top of the stack as {name=value}.
void wrap_in_field(lua_State* lua, const char* name) {
  lua_newtable(lua);
  lua_insert(lua, -2);
  lua_setfield(lua, -2, name);
}

void push_array(lua_State* lua, std::string_view& bytes, std::int64_t count) {
  lua_createtable(lua, static_cast<int>(count), 0);
  for (std::int64_t i = 1; i <= count; ++i) {
    push_reply(lua, bytes);
    lua_rawseti(lua, -2, static_cast<int>(i));
  }
}

// RESP3 map (pairs) or set (members, each mapped to true), inside {map=} / {set=}.
void push_map_or_set(lua_State* lua, std::string_view& bytes, std::int64_t count, bool is_map) {
  lua_newtable(lua);
  for (std::int64_t i = 0; i < count; ++i) {
    push_reply(lua, bytes);
    if (is_map) {
      push_reply(lua, bytes);
    } else {
      lua_pushboolean(lua, 1);
    }
    lua_rawset(lua, -3);
  }
  wrap_in_field(lua, is_map ? "map" : "set");
}

}  // namespace

void push_reply(lua_State* lua, std::string_view& bytes) {
  lua_checkstack(lua, 4);
  const char type = bytes.front();
  const std::string_view line = take_line(bytes);
  switch (type) {
    case '+':
      push_string(lua, line);
      wrap_in_field(lua, "ok");
      return;
    case '-': push_error_table(lua, line); return;
    case ':': lua_pushnumber(lua, static_cast<lua_Number>(to_integer(line))); return;
    case '#': lua_pushboolean(lua, line == "t" ? 1 : 0); return;
    case '_': lua_pushnil(lua); return;
    case ',':
      lua_pushnumber(lua, std::strtod(std::string(line).c_str(), nullptr));
      wrap_in_field(lua, "double");
      return;
    case '(':
      push_string(lua, line);
      wrap_in_field(lua, "big_number");
      return;
    case '%': push_map_or_set(lua, bytes, to_integer(line), true); return;
    case '~': push_map_or_set(lua, bytes, to_integer(line), false); return;
    case '*':
    case '>': {
      const std::int64_t count = to_integer(line);
      if (count < 0) {
        lua_pushboolean(lua, 0);
        return;
      }  // the RESP2 null array
      push_array(lua, bytes, count);
      return;
    }
    case '$':
    case '=': {
      const std::int64_t length = to_integer(line);
      if (length < 0) {
        lua_pushboolean(lua, 0);
        return;
      }  // the RESP2 null bulk
      const std::string_view body = bytes.substr(0, static_cast<std::size_t>(length));
      bytes.remove_prefix(static_cast<std::size_t>(length) + 2);
      if (type == '$') {
        push_string(lua, body);
        return;
      }
      // Verbatim text: "txt:" then the text.
      lua_newtable(lua);
      push_string(lua, body.substr(0, 3));
      lua_setfield(lua, -2, "format");
      push_string(lua, body.substr(4));
      lua_setfield(lua, -2, "string");
      wrap_in_field(lua, "verbatim_string");
      return;
    }
    default: lua_pushnil(lua); return;
  }
}

namespace {

bool is_resp3(const protocol::ReplyWriter& reply) {
  return reply.version() == protocol::ProtocolVersion::resp3;
}

// t[name] (raw) pushed; its Lua type returned.
int push_field(lua_State* lua, int table, const char* name) {
  lua_pushstring(lua, name);
  lua_rawget(lua, table);
  return lua_type(lua, -1);
}

std::string_view string_at(lua_State* lua, int index) {
  std::size_t length = 0;
  const char* text = lua_tolstring(lua, index, &length);
  return {text, length};
}

// {ok=...}: a status line. A newline would end the line early, so Redis
// turns CR and LF into spaces (as it does for errors).
void write_status(lua_State* lua, int index, protocol::ReplyWriter& reply) {
  std::string text(string_at(lua, index));
  for (char& c : text) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  reply.simple_string(text);
}

std::size_t count_pairs(lua_State* lua, int table) {
  std::size_t count = 0;
  lua_pushnil(lua);
  while (lua_next(lua, table) != 0) {
    ++count;
    lua_pop(lua, 1);
  }
  return count;
}

// {map=t}: every key and value; {set=t}: every key.
void write_map_or_set(lua_State* lua, int table, bool is_map, protocol::ReplyWriter& reply,
                      protocol::ProtocolVersion script_resp) {
  const std::size_t count = count_pairs(lua, table);
  if (is_map) {
    reply.map_header(count);
  } else {
    reply.set_header(count);
  }
  lua_pushnil(lua);
  while (lua_next(lua, table) != 0) {
    write_lua_value(lua, -2, reply, script_resp);
    if (is_map) write_lua_value(lua, -1, reply, script_resp);
    lua_pop(lua, 1);
  }
}

// A plain table is an array: t[1], t[2]... up to the first nil.
void write_array(lua_State* lua, int table, protocol::ReplyWriter& reply,
                 protocol::ProtocolVersion script_resp) {
  std::size_t count = 0;
  while (true) {
    lua_rawgeti(lua, table, static_cast<int>(count + 1));
    const bool present = !lua_isnil(lua, -1);
    lua_pop(lua, 1);
    if (!present) break;
    ++count;
  }
  reply.array_header(count);
  for (std::size_t i = 1; i <= count; ++i) {
    lua_rawgeti(lua, table, static_cast<int>(i));
    write_lua_value(lua, -1, reply, script_resp);
    lua_pop(lua, 1);
  }
}

// The special tables first, in Redis's order: err, ok, double, big_number,
// map, set; then the array.
void write_table(lua_State* lua, int table, protocol::ReplyWriter& reply,
                 protocol::ProtocolVersion script_resp) {
  const int top = lua_gettop(lua);
  if (push_field(lua, table, "err") == LUA_TSTRING) {
    reply.error(string_at(lua, -1));
  } else if (lua_pop(lua, 1); push_field(lua, table, "ok") == LUA_TSTRING) {
    write_status(lua, -1, reply);
  } else if (lua_pop(lua, 1); push_field(lua, table, "double") == LUA_TNUMBER) {
    reply.double_value(lua_tonumber(lua, -1));
  } else if (lua_pop(lua, 1); push_field(lua, table, "big_number") == LUA_TSTRING) {
    const std::string_view digits = string_at(lua, -1);
    if (is_resp3(reply)) {
      reply.raw("(");
      reply.raw(digits);
      reply.raw("\r\n");
    } else {
      reply.bulk_string(digits);
    }
  } else if (lua_pop(lua, 1); push_field(lua, table, "map") == LUA_TTABLE) {
    write_map_or_set(lua, lua_gettop(lua), true, reply, script_resp);
  } else if (lua_pop(lua, 1); push_field(lua, table, "set") == LUA_TTABLE) {
    write_map_or_set(lua, lua_gettop(lua), false, reply, script_resp);
  } else {
    lua_pop(lua, 1);
    write_array(lua, table, reply, script_resp);
  }
  lua_settop(lua, top);
}

}  // namespace

void write_lua_value(lua_State* lua, int index, protocol::ReplyWriter& reply,
                     protocol::ProtocolVersion script_resp) {
  if (index < 0) index = lua_gettop(lua) + index + 1;  // stays valid as we push
  // Each nested table holds a stack slot while its elements are written. A
  // table that contains itself would nest forever: like Redis, stop with
  // an error where Lua's stack (8000 slots) runs out.
  if (lua_checkstack(lua, 4) == 0) {
    reply.error("ERR reached lua stack limit");
    return;
  }
  switch (lua_type(lua, index)) {
    case LUA_TNUMBER:
      // Lua 5.1 has only doubles; Redis truncates them toward zero.
      reply.integer(static_cast<std::int64_t>(lua_tonumber(lua, index)));
      return;
    case LUA_TSTRING: reply.bulk_string(string_at(lua, index)); return;
    case LUA_TBOOLEAN:
      // Redis decides by the script's protocol (redis.setresp), not the
      // caller's: a RESP3 client gets :1 for true unless the script chose 3.
      if (script_resp == protocol::ProtocolVersion::resp3) {
        reply.boolean(lua_toboolean(lua, index) != 0);
      } else if (lua_toboolean(lua, index) != 0) {
        reply.integer(1);
      } else {
        reply.null();
      }
      return;
    case LUA_TTABLE: write_table(lua, index, reply, script_resp); return;
    default: reply.null(); return;
  }
}

}  // namespace mini_redis::scripting
