// tlogverify: an independent reader of a C2SP tlog-tiles log, built on golang.org/x/mod/sumdb
// (Debian's golang-golang-x-mod-dev), to audit Liandong's log with code Liandong did not write.
//
// It fetches the checkpoint from <base>/checkpoint, checks the log's signature on it
// (golang.org/x/mod/sumdb/note), then reads the hash tiles <base>/tile/<L>/<N>[.p/<W>] through
// tlog.TileHashReader, which refuses any tile that does not hash up to the checkpoint's root. For
// every -index it fetches the entry bundle holding that leaf, hashes the entry (tlog.RecordHash)
// and checks its inclusion (tlog.ProveRecord / tlog.CheckRecord); with -old it checks that an
// older checkpoint (a file) is consistent with the current one (tlog.ProveTree / tlog.CheckTree).
//
// Exit status 0 and one "ok" line per check when everything verifies; 1 and the reason otherwise.
// Build offline: GO111MODULE=off GOPATH=/usr/share/gocode go build -o tlogverify main.go
package main

import (
	"bytes"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const height = 8

var client = &http.Client{Timeout: 10 * time.Second}

func fetch(url string) ([]byte, error) {
	resp, err := client.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s: %s", url, resp.Status, strings.TrimSpace(string(body)))
	}
	return body, nil
}

// index writes <N> as C2SP tlog-tiles does: groups of three digits, all but the last prefixed x.
func index(n int64) string {
	s := strconv.FormatInt(n, 10)
	for len(s)%3 != 0 {
		s = "0" + s
	}
	var parts []string
	for i := 0; i < len(s); i += 3 {
		group := s[i : i+3]
		if i+3 < len(s) {
			group = "x" + group
		}
		parts = append(parts, group)
	}
	return strings.Join(parts, "/")
}

func tilePath(level string, n int64, w int) string {
	p := "tile/" + level + "/" + index(n)
	if w < 1<<height {
		p += ".p/" + strconv.Itoa(w)
	}
	return p
}

// tiles reads hash tiles over HTTP at the C2SP paths (not the go.sum database's tile/8/... ones).
type tiles struct{ base string }

func (t tiles) Height() int { return height }

func (t tiles) ReadTiles(ts []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(ts))
	for i, tile := range ts {
		data, err := fetch(t.base + "/" + tilePath(strconv.Itoa(tile.L), tile.N, tile.W))
		if err != nil {
			return nil, err
		}
		if len(data) != tile.W*tlog.HashSize {
			return nil, fmt.Errorf("tile %s has %d bytes, want %d", tilePath(strconv.Itoa(tile.L), tile.N, tile.W),
				len(data), tile.W*tlog.HashSize)
		}
		out[i] = data
	}
	return out, nil
}

func (t tiles) SaveTiles([]tlog.Tile, [][]byte) {}

type checkpoint struct {
	origin string
	tree   tlog.Tree
}

// open checks the log's signature on a checkpoint note and parses its body.
func open(msg []byte, verifier note.Verifier, origin string) (checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return checkpoint{}, fmt.Errorf("checkpoint signature: %v", err)
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 {
		return checkpoint{}, errors.New("checkpoint: need origin, size and root lines")
	}
	if origin != "" && lines[0] != origin {
		return checkpoint{}, fmt.Errorf("checkpoint origin %q, want %q", lines[0], origin)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return checkpoint{}, fmt.Errorf("checkpoint size %q", lines[1])
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		return checkpoint{}, fmt.Errorf("checkpoint root %q", lines[2])
	}
	var root tlog.Hash
	copy(root[:], raw)
	return checkpoint{lines[0], tlog.Tree{N: size, Hash: root}}, nil
}

// entry is leaf i from its entry bundle (each entry: a big-endian uint16 length, then the bytes).
func entry(base string, i, size int64) ([]byte, error) {
	n := i >> height
	w := int(size - n<<height)
	if w > 1<<height {
		w = 1 << height
	}
	bundle, err := fetch(base + "/" + tilePath("entries", n, w))
	if err != nil {
		return nil, err
	}
	var entries [][]byte
	for len(bundle) > 0 {
		if len(bundle) < 2 {
			return nil, errors.New("entry bundle: truncated length")
		}
		l := int(bundle[0])<<8 | int(bundle[1])
		if len(bundle) < 2+l {
			return nil, errors.New("entry bundle: entry runs past the end")
		}
		entries = append(entries, bundle[2:2+l])
		bundle = bundle[2+l:]
	}
	if len(entries) != w {
		return nil, fmt.Errorf("entry bundle holds %d entries, want %d", len(entries), w)
	}
	return entries[i-n<<height], nil
}

func run() error {
	base := flag.String("url", "", "the log's prefix, e.g. http://127.0.0.1:8000/log")
	vkey := flag.String("vkey", "", "the log's verifier key <name>+<id>+<key>")
	origin := flag.String("origin", "", "the checkpoint origin expected (empty: any)")
	old := flag.String("old", "", "a file holding an older checkpoint to check consistency with")
	leaves := flag.String("index", "", "comma-separated leaf indices whose inclusion to check")
	flag.Parse()
	verifier, err := note.NewVerifier(*vkey)
	if err != nil {
		return fmt.Errorf("vkey: %v", err)
	}
	msg, err := fetch(*base + "/checkpoint")
	if err != nil {
		return err
	}
	current, err := open(msg, verifier, *origin)
	if err != nil {
		return err
	}
	reader := tlog.TileHashReader(current.tree, tiles{*base})
	root, err := tlog.TreeHash(current.tree.N, reader)
	if err != nil {
		return fmt.Errorf("tree hash from tiles: %v", err)
	}
	if root != current.tree.Hash {
		return errors.New("tree hash from tiles differs from the checkpoint")
	}
	fmt.Printf("ok checkpoint %s size %d root %s\n", current.origin, current.tree.N, current.tree.Hash)
	if *leaves != "" {
		for _, item := range strings.Split(*leaves, ",") {
			i, err := strconv.ParseInt(item, 10, 64)
			if err != nil || i < 0 || i >= current.tree.N {
				return fmt.Errorf("index %q is not a leaf of a tree of size %d", item, current.tree.N)
			}
			data, err := entry(*base, i, current.tree.N)
			if err != nil {
				return err
			}
			proof, err := tlog.ProveRecord(current.tree.N, i, reader)
			if err != nil {
				return fmt.Errorf("inclusion proof of %d: %v", i, err)
			}
			if err := tlog.CheckRecord(proof, current.tree.N, current.tree.Hash, i, tlog.RecordHash(data)); err != nil {
				return fmt.Errorf("inclusion of %d: %v", i, err)
			}
			fmt.Printf("ok inclusion %d (%d bytes)\n", i, len(data))
		}
	}
	if *old != "" {
		data, err := os.ReadFile(*old)
		if err != nil {
			return err
		}
		previous, err := open(bytes.TrimRight(data, "\x00"), verifier, current.origin)
		if err != nil {
			return fmt.Errorf("old %v", err)
		}
		if previous.tree.N > current.tree.N {
			return fmt.Errorf("the log shrank from %d to %d entries", previous.tree.N, current.tree.N)
		}
		proof, err := tlog.ProveTree(current.tree.N, previous.tree.N, reader)
		if err != nil {
			return fmt.Errorf("consistency proof: %v", err)
		}
		if err := tlog.CheckTree(proof, current.tree.N, current.tree.Hash, previous.tree.N, previous.tree.Hash); err != nil {
			return fmt.Errorf("consistency %d -> %d: %v", previous.tree.N, current.tree.N, err)
		}
		fmt.Printf("ok consistency %d -> %d\n", previous.tree.N, current.tree.N)
	}
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "tlogverify:", err)
		os.Exit(1)
	}
}
