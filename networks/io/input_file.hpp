// Opening a file the user named as input, for every loader (weights, ONNX, campaign and hardware
// TOML, Hugging Face config.json, the SRAM table): only regular files are read, so a FIFO,
// /dev/zero or a directory is refused by name instead of blocking forever or failing later with
// a misleading message.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace bbs::io {

// Opens `path` without blocking (O_NONBLOCK, so a FIFO with no writer cannot hang) and returns
// the descriptor of a regular file. Throws bbs::Error "<path>: cannot open <what>: <reason>"
// (missing, permission denied, name too long, ...) or "<path>: cannot read <what>: it is a
// directory (a FIFO, a character device, ...), not a regular file". The caller closes it.
int open_regular_file(const std::filesystem::path& path, std::string_view what);

// The whole content of a regular file (see open_regular_file); `what` names the file's role in
// messages, e.g. "the campaign file".
std::string read_regular_file(const std::filesystem::path& path, std::string_view what);

}  // namespace bbs::io
