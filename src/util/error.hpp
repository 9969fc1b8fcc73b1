#pragma once
// Error discipline (ccache's shape): expected failures (a missing file, invalid JSON, a held lock) come back as a
// Result carrying a message; conditions that make continuing unsafe (a failed fsync, a corrupt journal) throw
// simmer::Error, caught in main() and mapped to its documented exit code.

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace simmer {

// Every exit code simmer documents. README.md "Exit codes" lists the same table; keep both in step.
enum class ExitCode : int {
  ok = 0,               // success; for `cook`: every story passed
  failure = 1,          // a check failed (doctor found a problem) or an unexpected internal error
  invalid_input = 2,    // a file or argument is malformed: the message names the file and where
  schema_unusable = 3,  // `validate --schema`: the schema uses a keyword simmer does not implement
  journal_corrupt = 4,  // events.jsonl is damaged before its last line: refused, nothing changed
  lock_held = 5,        // another simmer process holds the project lock
  unsafe_storage = 6,   // fsync/rename/write failed: state on disk can no longer be trusted
  halted = 10,          // `cook` stopped at a checkpoint, a budget or maxIterations; resume with `cook`
  blocked = 11,         // `cook` finished, but some stories are blocked
  usage = 64,           // bad command line (unknown flag, missing argument)
  interrupted = 130,    // `cook` stopped by SIGINT/SIGTERM; the next `cook` resumes
};

inline int to_int(ExitCode code) { return static_cast<int>(code); }

// The one exception type simmer throws on purpose. `what()` is the user-facing message without the
// "simmer: error: " prefix main() adds, formatted as "<what> (<file>[:<line>|#<pointer>]): <why>" where a file
// is involved.
class Error : public std::runtime_error {
public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), m_code(code) {}
  ExitCode code() const { return m_code; }

private:
  ExitCode m_code;
};

// A failure that the caller is expected to handle: a message for a person and the exit code it maps to.
struct Failure {
  std::string message;
  ExitCode code = ExitCode::invalid_input;
};

// Either a value or a Failure. Accessing the wrong alternative is a programming error (std::bad_variant_access).
template <class T>
class Result {
public:
  Result(T value) : m_v(std::move(value)) {}            // NOLINT: implicit by design
  Result(Failure failure) : m_v(std::move(failure)) {}  // NOLINT
  bool ok() const { return m_v.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(m_v); }
  const T& value() const { return std::get<0>(m_v); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Failure& failure() const { return std::get<1>(m_v); }

private:
  std::variant<T, Failure> m_v;
};

// Result for operations with no value.
struct Unit {};
using Status = Result<Unit>;
inline Status ok_status() { return Unit{}; }

}  // namespace simmer
