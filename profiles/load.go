package profiles

import (
	"context"
	"fmt"

	"github.com/trialfhir/trialfhir/fhir/service"
)

// Load upserts every embedded resource by its fixed id (update as create,
// PUT semantics). The service writes no new version when a body is
// unchanged, so loading at every start-up is idempotent: a restart adds
// nothing to history, and an edited file becomes the next version.
func Load(ctx context.Context, svc *service.Service) error {
	rs, err := Resources()
	if err != nil {
		return err
	}
	for _, r := range rs {
		if _, err := svc.Update(ctx, r.Type, r.ID, r.Body, nil); err != nil {
			return fmt.Errorf("profiles: loading %s/%s: %w", r.Type, r.ID, err)
		}
	}
	return nil
}
