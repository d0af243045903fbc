package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/cartaschema/carta/schema"
)

// checkAgainstRef checks every schema declared in configPath against its content at the git
// ref, like `buf breaking --against`: the working tree is NEW, the ref is OLD. A file absent at
// the ref is new and passes; a file declared at the ref (in the ref's carta.yaml or today's)
// that is gone from the working tree is reported as deleted.
func checkAgainstRef(ctx context.Context, configPath, ref string, format schema.Format, mode schema.Mode) ([]*report, error) {
	if format != "" {
		return nil, usageError("--format does not apply to --against: each file's format is declared in %s", configPath)
	}
	cfg, err := readConfig(configPath)
	if err != nil {
		return nil, err
	}
	absConfig, err := filepath.Abs(configPath)
	if err != nil {
		return nil, ioError(err)
	}
	dir := filepath.Dir(absConfig)
	g := &gitRepo{dir: dir}
	top, err := g.run(ctx, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, ioError(fmt.Errorf("%s is not in a git repository: %v", configPath, err))
	}
	g.top = strings.TrimSpace(top)
	if _, err := g.run(ctx, "rev-parse", "--verify", "--quiet", ref+"^{commit}"); err != nil {
		return nil, usageError("unknown git ref %q (in a shallow CI checkout, fetch it first: git fetch origin main)", ref)
	}
	// Paths are shown relative to the repository's top, as GitHub annotations want them.
	rel := func(file string) (string, error) {
		r, err := filepath.Rel(resolveLinks(g.top), resolveLinks(filepath.Join(dir, filepath.FromSlash(file))))
		if err != nil || strings.HasPrefix(r, "..") {
			return "", ioError(fmt.Errorf("%s: %s is outside the git repository", configPath, file))
		}
		return filepath.ToSlash(r), nil
	}

	var reports []*report
	declared := map[string]bool{}
	for _, e := range cfg.Schemas {
		name, err := rel(e.File)
		if err != nil {
			return nil, err
		}
		declared[name] = true
		m := e.mode()
		if mode != "" {
			m = mode
		}
		r, err := checkAtRef(ctx, g, ref, name, filepath.Join(dir, filepath.FromSlash(e.File)), e.format(), m)
		if err != nil {
			return nil, err
		}
		reports = append(reports, r)
	}

	// Schemas declared at the ref whose file is gone and no longer declared.
	cfgName, err := rel(filepath.Base(configPath))
	if err != nil {
		return nil, err
	}
	if old, ok, _ := g.show(ctx, ref, cfgName); ok {
		if oldCfg, err := parseConfig(ref+":"+cfgName, old); err == nil {
			for _, e := range oldCfg.Schemas {
				name, err := rel(e.File)
				if err != nil || declared[name] {
					continue
				}
				if _, err := os.Stat(filepath.Join(g.top, filepath.FromSlash(name))); errors.Is(err, os.ErrNotExist) {
					reports = append(reports, deletedReport(name, ref, e.format(), e.mode()))
				}
			}
		}
	}
	return reports, nil
}

// checkAtRef checks one declared file against its content at ref.
func checkAtRef(ctx context.Context, g *gitRepo, ref, name, file string, format schema.Format, mode schema.Mode) (*report, error) {
	oldDef, atRef, err := g.show(ctx, ref, name)
	if err != nil {
		return nil, err
	}
	newDef, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		if atRef {
			return deletedReport(name, ref, format, mode), nil
		}
		return nil, ioError(fmt.Errorf("%s is declared in carta.yaml but exists neither in the working tree nor at %s", name, ref))
	}
	if err != nil {
		return nil, ioError(err)
	}
	if !atRef {
		return &report{File: name, Against: ref, Format: format, Mode: mode, Status: statusNew, Incompatibilities: []finding{}}, nil
	}
	return checkDefinitions(name, ref+":"+name, format, mode, string(oldDef), string(newDef))
}

func deletedReport(name, ref string, format schema.Format, mode schema.Mode) *report {
	return &report{
		File: name, Against: ref, Format: format, Mode: mode, Status: statusDeleted,
		Error: fmt.Sprintf("deleted since %s: consumers may still read data written with it; "+
			"retire the schema in the registry deliberately rather than by deleting its file", ref),
		Incompatibilities: []finding{},
	}
}

// gitRepo runs git in a repository.
type gitRepo struct {
	dir, top string
}

func (g *gitRepo) run(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = g.dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return "", fmt.Errorf("git is not installed")
		}
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return "", errors.New(msg)
		}
		return "", err
	}
	return stdout.String(), nil
}

// show returns a file's content at ref (name relative to the repository's top), and false when
// the file does not exist there.
func (g *gitRepo) show(ctx context.Context, ref, name string) ([]byte, bool, error) {
	spec := ref + ":" + name
	if _, err := g.run(ctx, "cat-file", "-e", spec); err != nil {
		return nil, false, nil
	}
	out, err := g.run(ctx, "show", spec)
	if err != nil {
		return nil, false, ioError(fmt.Errorf("git show %s: %v", spec, err))
	}
	return []byte(out), true, nil
}

// resolveLinks resolves symbolic links where it can (a temp dir behind /tmp → /private/tmp),
// so that paths compare with git's idea of the repository's top.
func resolveLinks(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	// A file that does not exist (deleted): resolve its directory.
	if r, err := filepath.EvalSymlinks(filepath.Dir(p)); err == nil {
		return filepath.Join(r, filepath.Base(p))
	}
	return p
}
