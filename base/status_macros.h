// Early-return helpers for absl::Status and absl::StatusOr.
//
// Abseil 20220623 has no public RETURN_IF_ERROR, so the project defines its
// own, prefixed to avoid clashing with any other definition.
#ifndef CLINIC_BASE_STATUS_MACROS_H_
#define CLINIC_BASE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns from the enclosing function if `expr` (an absl::Status) is not OK.
// (__COUNTER__ keeps nested uses, e.g. inside a lambda argument, from
// shadowing.)
#define CLINIC_RETURN_IF_ERROR(expr) \
  CLINIC_RETURN_IF_ERROR_IMPL_(      \
      CLINIC_STATUS_CONCAT_(clinic_status_, __COUNTER__), expr)

#define CLINIC_RETURN_IF_ERROR_IMPL_(var, expr) \
  do {                                          \
    ::absl::Status var = (expr);                \
    if (!var.ok()) return var;                  \
  } while (0)

#define CLINIC_STATUS_CONCAT_INNER_(a, b) a##b
#define CLINIC_STATUS_CONCAT_(a, b) CLINIC_STATUS_CONCAT_INNER_(a, b)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status,
// otherwise assigns the value to `lhs` (which may be a declaration, e.g. `auto
// x`).
#define CLINIC_ASSIGN_OR_RETURN(lhs, rexpr) \
  CLINIC_ASSIGN_OR_RETURN_IMPL_(            \
      CLINIC_STATUS_CONCAT_(clinic_statusor_, __COUNTER__), lhs, rexpr)

#define CLINIC_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                  \
  if (!statusor.ok()) return std::move(statusor).status();  \
  lhs = std::move(statusor).value()

#endif  // CLINIC_BASE_STATUS_MACROS_H_
