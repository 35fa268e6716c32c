// The offline backup commands of `clinicd`, run without a serving process:
//
//   clinicd backup create --data_dir DIR -o FILE
//       A consistent snapshot of DIR (a server may be serving it meanwhile:
//       SQLite's locking makes the snapshot safe across processes).
//   clinicd backup verify FILE (--data_dir DIR | --master_key KEYFILE)
//       Checks every byte and the signed manifest; prints the manifest.
//   clinicd backup verify FILE --key_id ID
//       Without the master key: checks the archive's seal (intact, sealed by
//       the backup key with that id).
//   clinicd restore FILE --data_dir NEWDIR --master_key KEYFILE
//       Verifies, then restores into the empty (or absent) NEWDIR; the restore
//       is recorded in the restored audit chain. Serve it with
//       `clinicd serve --data_dir NEWDIR`.
//   clinicd rotate-master-key --data_dir DIR
//       Replaces the master key of a stopped server (see key_rotation.h);
//       resumable.
//
// Exit codes: 0 on success, 1 on failure (message on stderr, no secrets), 2
// for usage errors.
#ifndef CLINIC_SERVICES_ADMIN_ADMIN_CLI_H_
#define CLINIC_SERVICES_ADMIN_ADMIN_CLI_H_

namespace clinic {

// If argv[1] is "backup", "restore" or "rotate-master-key", runs that command,
// stores its exit code in `*exit_code` and returns true; otherwise returns
// false and does nothing (the caller goes on to RunServerMain).
bool RunOfflineBackupCommand(int argc, char** argv, int* exit_code);

}  // namespace clinic

#endif  // CLINIC_SERVICES_ADMIN_ADMIN_CLI_H_
