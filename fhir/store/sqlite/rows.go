package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"slices"

	"github.com/trialfhir/trialfhir/fhir"
)

// indexRows gathers the index rows of the versions one request writes, to
// insert them sorted by the index they land in. The keyx keys are hashes,
// so a resource's keys fall at random places in the tree, and inserted one
// resource after another each row cost a descent to a leaf no longer in
// the CPU's caches; sorted, consecutive rows descend to the same or the
// next leaf. A request never writes one resource twice (fhir.CheckWrites),
// so no row it gathers is meant to be deleted by a later write of it.
type indexRows struct {
	keys   []keyRow
	strs   []strRow
	ranges []rangeRow
}

type keyRow struct{ h, rid int64 }

type strRow struct {
	rid, p int64
	value  string
}

type rangeRow struct {
	rid, p int64
	lo, hi float64
}

// add gathers the rows of ix, the index of the resource rid of type typ
// whose key hashes are hashes.
func (x *indexRows) add(rid int64, typ string, ix *fhir.Index, hashes []int64) {
	for _, h := range hashes {
		x.keys = append(x.keys, keyRow{h, rid})
	}
	for _, v := range ix.Strings {
		x.strs = append(x.strs, strRow{rid, paramHash(typ, v.Param), v.Value})
	}
	for _, v := range ix.Ranges {
		x.ranges = append(x.ranges, rangeRow{rid, paramHash(typ, v.Param), v.Lo, v.Hi})
	}
}

// insert writes the gathered rows: keyx in its key order, strs in the
// order of strs_value and ranges in that of ranges_lo (their own primary
// keys lead with rid, which grows, so those inserts stay near the end).
func (x *indexRows) insert(ctx context.Context, tx *sql.Tx, b *bulkInserts) error {
	slices.SortFunc(x.keys, func(a, b keyRow) int { return cmp.Or(cmp.Compare(a.h, b.h), cmp.Compare(a.rid, b.rid)) })
	args := make([]any, 0, 2*len(x.keys))
	for _, k := range x.keys {
		args = append(args, k.h, k.rid)
	}
	if err := b.insert(ctx, tx, "keyx", 2, args); err != nil {
		return err
	}
	slices.SortFunc(x.strs, func(a, b strRow) int {
		return cmp.Or(cmp.Compare(a.p, b.p), cmp.Compare(a.value, b.value), cmp.Compare(a.rid, b.rid))
	})
	args = args[:0]
	for _, v := range x.strs {
		args = append(args, v.rid, v.p, v.value)
	}
	if err := b.insert(ctx, tx, "strs", 3, args); err != nil {
		return err
	}
	slices.SortFunc(x.ranges, func(a, b rangeRow) int {
		return cmp.Or(cmp.Compare(a.p, b.p), cmp.Compare(a.lo, b.lo), cmp.Compare(a.rid, b.rid))
	})
	args = args[:0]
	for _, v := range x.ranges {
		args = append(args, v.rid, v.p, v.lo, v.hi)
	}
	return b.insert(ctx, tx, "ranges", 4, args)
}
