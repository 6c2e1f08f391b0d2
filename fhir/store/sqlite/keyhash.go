package sqlite

import (
	"encoding/binary"
	"hash/fnv"
)

// keyHash is the 64-bit FNV-1a hash of a resource type and one of its
// search keys. The keyx table holds hashes rather than the keys: a key
// such as "f|code|http://loinc.org|8480-6" repeated in every row made the
// index B-trees the largest part of a write (docs/benchmarks.md, ingest),
// and an integer compares in one step. Two keys of different values may
// share a hash; with 64 bits the chance that any two of a hundred million
// distinct keys do is below one in three thousand, the trade HAPI FHIR
// makes for its token and string indexes too.
func keyHash(typ, key string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(typ))
	_, _ = h.Write([]byte{0})
	_, _ = h.Write([]byte(key))
	return int64(h.Sum64())
}

// keyHashes returns the hashes of keys and their packing as a blob, kept in
// the resource row so that the next version can delete exactly its rows.
func keyHashes(typ string, keys []string) ([]any, []byte) {
	hs := make([]any, 0, len(keys))
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
