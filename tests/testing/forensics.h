// Forensics on a stopped server's data directory, for erasure tests: what is
// left in a service's database, and can any data key the server still holds
// decrypt a saved copy of a document's blob?
#ifndef CLINIC_TESTS_TESTING_FORENSICS_H_
#define CLINIC_TESTS_TESTING_FORENSICS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace clinic {
namespace testing {

// The value of `sql` (one integer, e.g. "SELECT count(*) FROM hearings") in
// the database of `service` ("hearing"), opened with the master key of
// `data_dir`.
absl::StatusOr<int64_t> QueryServiceDatabase(const std::string& data_dir,
                                             const std::string& service,
                                             const std::string& sql);

struct KeySearch {
  // Wrapped keys stored for `doc_id` (0 once it is shredded).
  int keys_for_document = 0;
  // Every stored data key that unwrapped, and those of them that decrypted
  // the blob as version `version` of `doc_id`.
  int keys_tried = 0;
  int keys_that_open = 0;
};

// Tries every data key in the document database of `data_dir` on `blob`.
// The server must be stopped.
absl::StatusOr<KeySearch> TryEveryStoredKey(const std::string& data_dir,
                                            const std::string& doc_id,
                                            int64_t version,
                                            const std::string& blob);

}  // namespace testing
}  // namespace clinic

#endif  // CLINIC_TESTS_TESTING_FORENSICS_H_
