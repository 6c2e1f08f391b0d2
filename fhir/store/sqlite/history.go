package sqlite

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/trialfhir/trialfhir/fhir"
)

// History implements fhir.Store. Pages are keyset pages on (lu, seq)
// descending: a version written after the first page has a larger seq (and
// normally a later lu), so it never shifts the rows of later pages.
func (s *Store) History(ctx context.Context, q fhir.HistoryQuery) (*fhir.HistoryPage, error) {
	var b strings.Builder
	var args []any
	b.WriteString(`SELECT ` + versionColumns + `, h.seq FROM history h WHERE 1 = 1`)
	if q.Type != "" {
		b.WriteString(` AND h.type = ?`)
		args = append(args, q.Type)
	}
	if q.ID != "" {
		b.WriteString(` AND h.id = ?`)
		args = append(args, q.ID)
	}
	if !q.Since.IsZero() {
		b.WriteString(` AND h.lu >= ?`)
		args = append(args, q.Since.UnixMilli())
	}
	if q.Cursor != "" {
		lu, seq, err := decodeCursor(q.Cursor)
		if err != nil {
			return nil, err
		}
		b.WriteString(` AND (h.lu < ? OR (h.lu = ? AND h.seq < ?))`)
		args = append(args, lu, lu, seq)
	}
	b.WriteString(` ORDER BY h.lu DESC, h.seq DESC`)
	if q.Limit > 0 {
		b.WriteString(` LIMIT ?`)
		args = append(args, q.Limit+1)
	}
	rows, err := s.r.QueryContext(ctx, b.String(), args...)
	if err != nil {
		return nil, storeErr(err)
	}
	defer rows.Close()
	page := &fhir.HistoryPage{}
	var lastSeq int64
	for rows.Next() {
		var seq int64
		r, err := scanVersion(rows, &seq)
		if err != nil {
			return nil, storeErr(err)
		}
		if q.Limit > 0 && len(page.Versions) == q.Limit {
			last := page.Versions[len(page.Versions)-1]
			page.Next = encodeCursor(last.LastUpdated.UnixMilli(), lastSeq)
			break
		}
		page.Versions = append(page.Versions, *r)
		lastSeq = seq
	}
	return page, storeErr(rows.Err())
}

func encodeCursor(lu, seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%d.%d", lu, seq)))
}

func decodeCursor(c string) (lu, seq int64, err error) {
	raw, derr := base64.RawURLEncoding.DecodeString(c)
	if derr == nil {
		_, derr = fmt.Sscanf(string(raw), "%d.%d", &lu, &seq)
	}
	if derr != nil {
		return 0, 0, fhir.Errorf(fhir.CodeInvalid, "history cursor is not valid")
	}
	return lu, seq, nil
}
