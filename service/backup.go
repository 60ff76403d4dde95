package service

import (
	"context"

	"github.com/entente/entente"
)

// BackupFile copies the whole store, as it stood at one moment and while it
// goes on serving, into a new file of its own engine at path (see
// entente.FileBackuper), reporting bytes to progress. The copy holds the
// accounts and the audit trail, so only admins (and the local operator)
// may make one. An engine that cannot copy itself into a file returns
// entente.ErrNoFileBackup: its backup is a snapshot export
// (ExportStream).
func (s *Service) BackupFile(ctx context.Context, path string, progress func(done, total int64)) error {
	if _, err := authorize(ctx, AccountAdmin, "", "back up the store"); err != nil {
		return err
	}
	fb, ok := s.Store.(entente.FileBackuper)
	if !ok {
		return entente.ErrNoFileBackup
	}
	return fb.BackupFile(ctx, path, progress)
}

// CountActivities counts every activity in the store, for the total of an
// export's progress bar. It counts records a principal may not be allowed to
// see, so it is for staff and admins only.
func (s *Service) CountActivities(ctx context.Context) (int, error) {
	if err := requireStaff(ctx, "count every activity"); err != nil {
		return 0, err
	}
	return s.Store.CountActivities(ctx, "")
}
