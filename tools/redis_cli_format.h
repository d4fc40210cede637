// What `redis-cli` 7.0 prints for a reply when its output is a terminal, so `redis-cli` steps
// of a scenario print what users see (cliSendCommand / cliFormatReplyTTY / cliFormatReplyRaw
// in redis-cli.c; verified against redis-cli 7.0.15, see tests/unit/redis_cli_format_test.cpp).
//
// The rule: replies are printed in the "tty" form (quoted strings, "(integer) 5", numbered
// nested lists, each reply ending in a newline), except for the commands redis-cli prints
// verbatim (INFO, CLIENT LIST, ...: see prints_raw), whose reply is printed raw: a bulk string
// as its bytes with nothing added (INFO's text already ends in "\r\n"), an error as its text
// and "\n" without "(error) ", a nil as nothing at all.
#pragma once

#include <span>
#include <string>

#include "model/resp.h"

namespace tools {

// The tty form of cliFormatReplyTTY: `OK`, `(error) ERR ...`, `(integer) 5`, `"v1"` (quoted
// like sdscatrepr), `(nil)`, `(empty array)`, and arrays as `1) ...` lines whose numbers are
// right-aligned to the widest index, nested arrays continuing on the same line and indented
// below it. Status and error texts stop at a NUL byte, as redis-cli prints them as C strings.
std::string format_reply_tty(const model::RespValue& reply);

// The raw form redis-cli uses for the commands of prints_raw (cliFormatReplyRaw, without the
// command delimiter): bytes as they are; array items joined by "\n".
std::string format_reply_raw(const model::RespValue& reply);

// Whether redis-cli prints the reply to `argv` raw even on a terminal: INFO, LOLWUT,
// CLIENT LIST|INFO, CLUSTER NODES|INFO, MEMORY MALLOC-STATS|DOCTOR, LATENCY DOCTOR|GRAPH,
// DEBUG HTSTATS|HTSTATS-KEY|CLIENT-EVICTION, PROXY INFO (names compared case-insensitively).
bool prints_raw(std::span<const std::string> argv);

// What `redis-cli <argv...>` prints on a terminal when the server answers `reply`.
std::string format_cli_output(std::span<const std::string> argv, const model::RespValue& reply);

}  // namespace tools
