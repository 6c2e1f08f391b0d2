package sqlite

// SetEstimateCap changes the count beyond which a predicate is broad, so a
// test can force every plan; the returned function restores it.
func SetEstimateCap(n int) (restore func()) {
	old := estimateCap
	estimateCap = n
	return func() { estimateCap = old }
}

// WriterPragma reads a pragma on the writer's connection.
func WriterPragma(s *Store, name string) (int64, error) {
	var v int64
	err := s.w.QueryRow("PRAGMA " + name).Scan(&v)
	return v, err
}

func WriterPragmaText(s *Store, name string) (string, error) {
	var v string
	err := s.w.QueryRow("PRAGMA " + name).Scan(&v)
	return v, err
}

// SetMaxWALBytes changes the WAL bound for stores opened afterwards.
func SetMaxWALBytes(n int) (restore func()) {
	old := maxWALBytes
	maxWALBytes = n
	return func() { maxWALBytes = old }
}
