package mongotest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// dirPrefix names FerretDB directories: dirPrefix + "<pid>-<random>", so that
// a later process can tell whether the one that made a directory still runs.
const dirPrefix = "mongotest-ferretdb-"

// sweep removes the FerretDB directories of test processes that have ended
// without calling Main (or were killed), so they do not pile up in
// os.TempDir.
func sweep() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	for _, d := range dirs {
		pid, _, ok := strings.Cut(strings.TrimPrefix(filepath.Base(d), dirPrefix), "-")
		if !ok {
			continue
		}
		if n, err := strconv.Atoi(pid); err == nil && !running(n) {
			_ = os.RemoveAll(d)
		}
	}
}
