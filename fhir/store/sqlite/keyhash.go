package sqlite

import (
	"crypto/sha256"
	"database/sql/driver"
	"encoding/binary"
	"fmt"

	"modernc.org/sqlite"

	"github.com/trialfhir/trialfhir/fhir"
)

// keyHash is the first 64 bits of the SHA-256 of a resource type and one
// of its search keys. The keyx table holds hashes rather than the keys: a
// key such as "f|code|http://loinc.org|8480-6" repeated in every row made
// the index B-trees the largest part of a write (docs/benchmarks.md,
// ingest), and an integer compares in one step.
//
// Two keys may share a hash, and a search would then return a resource it
// should not. By chance: with 64 bits the odds that any two of 10^8
// distinct keys do are about 3 in 10,000 (HAPI FHIR hashes its token and
// string indexes the same way). On purpose: a client could write a key
// crafted to share the hash of someone else's identifier, and steer a
// conditional update, if the hash were one whose collisions are easy to
// compute (FNV, which this was first); finding a key that shares the
// truncated SHA-256 of a given one takes about 2^64 hashes.
func keyHash(typ, key string) int64 {
	buf := make([]byte, 0, len(typ)+1+len(key))
	buf = append(append(append(buf, typ...), 0), key...)
	sum := sha256.Sum256(buf)
	return int64(binary.BigEndian.Uint64(sum[:8]))
}

// keyHashSet is what the writer needs of a version's index beyond its
// rows: its key hashes, packed in blob too, and its params column (all
// empty for a deletion).
type keyHashSet struct {
	hashes []int64
	blob   []byte
	params []byte
}

func hashIndex(typ string, ix *fhir.Index) keyHashSet {
	var k keyHashSet
	k.hashes, k.blob = keyHashes(typ, ix.Keys)
	k.params = packParams(typ, ix.Present)
	return k
}

// packParams is the params column of a resource row: the paramHash of each
// parameter in present.
func packParams(typ string, present []string) []byte {
	blob := make([]byte, 0, 8*len(present))
	for _, p := range present {
		blob = binary.LittleEndian.AppendUint64(blob, uint64(paramHash(typ, p)))
	}
	return blob
}

// hasParam is the SQL function has_param(params, p): whether the packed
// params column holds the parameter hash p. A NULL column (a deletion)
// holds none.
func hasParam(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	blob, _ := args[0].([]byte)
	p, ok := args[1].(int64)
	if !ok {
		return nil, fmt.Errorf("has_param: the parameter hash is %T, not an integer", args[1])
	}
	for ; len(blob) >= 8; blob = blob[8:] {
		if int64(binary.LittleEndian.Uint64(blob)) == p {
			return int64(1), nil
		}
	}
	return int64(0), nil
}

func init() {
	sqlite.MustRegisterDeterministicScalarFunction("has_param", 2, hasParam)
}

// keyHashes returns the hashes of keys and their packing as a blob, kept in
// the resource row so that the next version can delete exactly its rows.
func keyHashes(typ string, keys []string) ([]int64, []byte) {
	hs := make([]int64, 0, len(keys))
	blob := make([]byte, 0, 8*len(keys))
	for _, k := range keys {
		h := keyHash(typ, k)
		hs = append(hs, h)
		blob = binary.LittleEndian.AppendUint64(blob, uint64(h))
	}
	return hs, blob
}

// unpackHashes reads a blob keyHashes made.
func unpackHashes(blob []byte) []any {
	hs := make([]any, 0, len(blob)/8)
	for len(blob) >= 8 {
		hs = append(hs, int64(binary.LittleEndian.Uint64(blob)))
		blob = blob[8:]
	}
	return hs
}

// paramHash is the p column of strs and ranges: the hash of a resource
// type and one of its search parameters. A key of keyx never meets it
// (other tables), and two parameters of a type sharing it is as unlikely
// as two keys doing so.
func paramHash(typ, param string) int64 { return keyHash(typ, param) }
