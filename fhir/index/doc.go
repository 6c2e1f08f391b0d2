// Package index turns resources into search keys and search values into the
// same keys, so that a store answers a search by set membership alone.
//
// A key is an opaque string; its layout is private to this package. Both
// stores keep the keys of each current resource and look them up through their
// own indexes (a SQLite index, a MongoDB multikey index).
package index
