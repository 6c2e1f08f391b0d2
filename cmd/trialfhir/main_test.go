package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/store/mongo/mongotest"
)

// childEnv makes the test binary act as the trialfhir binary, so the crash
// test can kill a real server process.
const childEnv = "TRIALFHIR_TEST_CHILD_ARGS"

func TestMain(m *testing.M) {
	if args := os.Getenv(childEnv); args != "" {
		ready := func(a net.Addr) { fmt.Println("READY", a.String()) }
		if err := Main(context.Background(), strings.Fields(args), func(string) string { return "" }, io.Discard, ready); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	mongotest.Main(m)
}

const observation = `{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"718-7"}]},"valueQuantity":{"value":13.5,"unit":"g/dL"}}`

func post(t *testing.T, base, body string) (status int, location string) {
	t.Helper()
	res, err := http.Post(base+"/fhir/Observation", "application/fhir+json", strings.NewReader(body))
	require.NoError(t, err)
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode, res.Header.Get("Location")
}

func get(t *testing.T, url string) int {
	t.Helper()
	res, err := http.Get(url)
	require.NoError(t, err)
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode
}

// start runs Main in-process on port 0 and returns its base URL and a stop
// function that cancels it and waits for a clean return.
func start(t *testing.T, dataDir string) (string, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- Main(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data-dir", dataDir, "--log-level", "error"},
			func(string) string { return "" }, io.Discard, func(a net.Addr) { addr <- a })
	}()
	select {
	case a := <-addr:
		var once sync.Once
		return "http://" + a.String(), func() {
			once.Do(func() {
				cancel()
				require.NoError(t, <-done)
			})
		}
	case err := <-done:
		cancel()
		t.Fatalf("server did not start: %v", err)
	}
	return "", nil
}

func TestServeEmbeddedRestart(t *testing.T) {
	dir := t.TempDir()
	base, stop := start(t, dir)
	status, location := post(t, base, observation)
	require.Equal(t, http.StatusCreated, status)
	require.Equal(t, http.StatusOK, get(t, location))
	stop()

	// The same data directory, opened again, has the resource.
	base2, stop2 := start(t, dir)
	defer stop2()
	require.Equal(t, http.StatusOK, get(t, strings.Replace(location, base, base2, 1)))
}

func TestDataDirInUse(t *testing.T) {
	dir := t.TempDir()
	_, stop := start(t, dir)
	defer stop()
	err := Main(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--data-dir", dir}, func(string) string { return "" }, io.Discard, nil)
	require.ErrorContains(t, err, "in use")
}

func TestFlagsAndEnvironment(t *testing.T) {
	env := map[string]string{"TRIALFHIR_ADDR": ":9999", "TRIALFHIR_MONGO_URI": "mongodb://db:27017/?replicaSet=rs0", "TRIALFHIR_DATA_DIR": "/var/lib/x"}
	cfg, err := parseFlags([]string{"--addr", ":7000"}, func(k string) string { return env[k] }, io.Discard)
	require.NoError(t, err)
	require.Equal(t, ":7000", cfg.addr, "a flag wins over the environment")
	require.Equal(t, "mongodb://db:27017/?replicaSet=rs0", cfg.mongoURI)
	require.Equal(t, "/var/lib/x", cfg.dataDir)

	cfg, err = parseFlags(nil, func(string) string { return "" }, io.Discard)
	require.NoError(t, err)
	require.Equal(t, ":8080", cfg.addr)
	require.Equal(t, "./data", cfg.dataDir)
	require.Empty(t, cfg.mongoURI)
	require.Equal(t, 24*time.Hour, cfg.idempotencyTTL)

	env["TRIALFHIR_IDEMPOTENCY_TTL"] = "90m"
	cfg, err = parseFlags(nil, func(k string) string { return env[k] }, io.Discard)
	require.NoError(t, err)
	require.Equal(t, 90*time.Minute, cfg.idempotencyTTL)
	for _, bad := range []string{"0s", "-1h", "a day"} {
		_, err = parseFlags([]string{"--idempotency-ttl", bad}, func(string) string { return "" }, io.Discard)
		require.ErrorContains(t, err, "--idempotency-ttl", bad)
	}

	require.Error(t, Main(context.Background(), []string{"launch"}, func(string) string { return "" }, io.Discard, nil))
	_, err = parseFlags([]string{"--nope"}, func(string) string { return "" }, io.Discard)
	require.Error(t, err)
}

// TestKilledAfterSuccessLosesNothing kills the server process with SIGKILL
// right after a burst of 201s and checks that every acknowledged create is
// there after a restart.
func TestKilledAfterSuccessLosesNothing(t *testing.T) {
	dir := t.TempDir()
	cmd, base := startChild(t, "serve --addr 127.0.0.1:0 --data-dir "+dir)
	var paths []string
	for i := 0; i < 200; i++ {
		status, location := post(t, base, observation)
		require.Equal(t, http.StatusCreated, status)
		paths = append(paths, strings.TrimPrefix(location, base))
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()

	cmd, base = startChild(t, "serve --addr 127.0.0.1:0 --data-dir "+dir)
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	for _, p := range paths {
		require.Equal(t, http.StatusOK, get(t, base+p), p)
	}
}

// startChild runs the test binary as a trialfhir server process with args
// and returns it with its base URL, once it listens.
func startChild(t *testing.T, args string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+args)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "READY ")
	require.True(t, ok, "child said %q", line)
	return cmd, "http://" + addr
}

// TestGracefulShutdownFinishesRequests stops the server while a request's
// body is still arriving: the request completes with 201 and Main returns
// cleanly only after it.
func TestGracefulShutdownFinishesRequests(t *testing.T) {
	base, stop := start(t, t.TempDir())
	pr, pw := io.Pipe()
	type result struct {
		status int
		err    error
	}
	done := make(chan result, 1)
	go func() {
		res, err := http.Post(base+"/fhir/Observation", "application/fhir+json", pr)
		if err != nil {
			done <- result{err: err}
			return
		}
		res.Body.Close()
		done <- result{status: res.StatusCode}
	}()
	_, err := pw.Write([]byte(observation[:20])) // the request is now in flight
	require.NoError(t, err)
	time.Sleep(50 * time.Millisecond)

	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	time.Sleep(50 * time.Millisecond)
	select {
	case <-stopped:
		t.Fatal("shutdown did not wait for the in-flight request")
	default:
	}
	_, err = pw.Write([]byte(observation[20:]))
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	r := <-done
	require.NoError(t, r.err)
	require.Equal(t, http.StatusCreated, r.status)
	<-stopped
}
