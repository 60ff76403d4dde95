// Package browsertest starts a headless Chromium for tests and gives them
// tabs, isolated cookie jars, axe-core accessibility checks and screenshots.
//
// It uses chromedp v0.23.0, whose API is generic: chromedp.Run returns the
// value of one action, chromedp.Do runs actions that return nothing, and
// selectors are typed (chromedp.CSS, chromedp.ID).
//
// A typical test:
//
//	b := browsertest.New(t) // skips the test when there is no Chromium
//	ctx := b.NewContext(t)  // a tab with its own cookies, with a timeout
//	vs, err := browsertest.Axe(ctx, srv.URL+"/")
//	if err != nil {
//		t.Fatal(err)
//	}
//	if len(vs) > 0 {
//		t.Error(browsertest.FormatViolations(vs))
//	}
//
// The browser is found through the environment variable ENTENTE_CHROMIUM,
// then /usr/bin/chromium, then "chromium" on PATH. Run .ci/browser-deps.sh to
// install it on Debian. Set ENTENTE_REQUIRE_BROWSER=1 in CI to make a missing
// browser fail the test instead of skipping it.
package browsertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// SkipMessage is the reason New gives when it cannot find Chromium.
const SkipMessage = "Chromium not found: apt-get install -y chromium (or set ENTENTE_CHROMIUM)"

const (
	// DefaultTabTimeout limits the life of each context from NewTab and
	// NewContext.
	DefaultTabTimeout = 30 * time.Second

	// startTimeout limits the start of the browser. It is a watchdog, and not
	// a context deadline: a deadline on the context of the first Run would stop
	// the browser when it ends (STACK.md, pitfall 3).
	startTimeout = 60 * time.Second

	// closeTimeout limits how long the cleanup waits for the browser to exit.
	closeTimeout = 10 * time.Second
)

// Browser is one headless Chromium process. Open tabs on it with NewTab and
// NewContext. Tabs of one Browser can be used from parallel subtests.
type Browser struct {
	// TabTimeout limits the life of each context from NewTab and NewContext.
	// New sets it to DefaultTabTimeout. Change it before opening tabs.
	TabTimeout time.Duration

	// ExecPath is the Chromium binary that runs.
	ExecPath string

	ctx context.Context // the browser's first chromedp context; no deadline
}

// FindChromium returns the Chromium binary to use: $ENTENTE_CHROMIUM when it
// is set, else /usr/bin/chromium, else "chromium" on PATH. It returns "" when
// there is none. When ENTENTE_CHROMIUM is set but not executable, it returns
// "" and does not fall back, so that the variable can switch the browser off.
func FindChromium() string {
	if p, ok := os.LookupEnv("ENTENTE_CHROMIUM"); ok && p != "" {
		if isExecutable(p) {
			return p
		}
		return ""
	}
	if isExecutable("/usr/bin/chromium") {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// New starts a headless Chromium for the test, and stops it in t.Cleanup.
// It skips the test when there is no Chromium (see FindChromium), unless
// ENTENTE_REQUIRE_BROWSER is set, in which case the test fails.
func New(t testing.TB) *Browser {
	t.Helper()
	path := FindChromium()
	if path == "" {
		if v := os.Getenv("ENTENTE_CHROMIUM"); v != "" {
			t.Logf("ENTENTE_CHROMIUM=%q is not an executable file", v)
		}
		if os.Getenv("ENTENTE_REQUIRE_BROWSER") != "" {
			t.Fatal(SkipMessage + " (ENTENTE_REQUIRE_BROWSER is set)")
		}
		t.Skip(SkipMessage)
	}

	var out lockedBuffer
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.CombinedOutput(&out),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)

	// Start the browser. The context of this first Run must have no deadline,
	// so a watchdog cancels it only if the start hangs.
	watchdog := time.AfterFunc(startTimeout, cancelAlloc)
	err := chromedp.Do(ctx)
	stopped := watchdog.Stop()
	if err != nil {
		cancelCtx()
		cancelAlloc()
		if !stopped {
			err = fmt.Errorf("%w (gave up after %v)", err, startTimeout)
		}
		t.Fatalf("browsertest: start %s: %v\nbrowser output:\n%s", path, err, out.String())
	}

	t.Cleanup(func() {
		cctx, cancel := context.WithTimeout(ctx, closeTimeout)
		defer cancel()
		if err := chromedp.Cancel(cctx); err != nil && !errors.Is(err, context.Canceled) {
			t.Logf("browsertest: close browser: %v", err)
		}
		cancelCtx()
		cancelAlloc()
	})
	return &Browser{TabTimeout: DefaultTabTimeout, ExecPath: path, ctx: ctx}
}

// NewTab opens a new tab in the browser's default browser context, and
// returns a chromedp context for it with a deadline of b.TabTimeout. Tabs
// from NewTab share cookies and storage with each other; use NewContext for
// isolation. The tab closes in t.Cleanup.
func (b *Browser) NewTab(t testing.TB) context.Context {
	t.Helper()
	return b.open(t)
}

// NewContext opens a tab in a new browser context, which is like a fresh
// incognito profile: it shares no cookies, storage or cache with other
// contexts. The returned chromedp context has a deadline of b.TabTimeout.
// The tab and its browser context are disposed of in t.Cleanup.
func (b *Browser) NewContext(t testing.TB) context.Context {
	t.Helper()
	return b.open(t, chromedp.WithNewBrowserContext())
}

func (b *Browser) open(t testing.TB, opts ...chromedp.ContextOption) context.Context {
	t.Helper()
	tabCtx, cancelTab := chromedp.NewContext(b.ctx, opts...)
	// Open the tab with a context that has no deadline: the first Run binds
	// the tab's life to its context. The deadline goes on a child context.
	// A watchdog, not a deadline, stops it if it hangs.
	watchdog := time.AfterFunc(b.TabTimeout, cancelTab)
	err := chromedp.Do(tabCtx)
	watchdog.Stop()
	if err != nil {
		cancelTab()
		t.Fatalf("browsertest: open tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tabCtx, b.TabTimeout)
	t.Cleanup(func() {
		cancel()
		cctx, ccancel := context.WithTimeout(tabCtx, closeTimeout)
		defer ccancel()
		if err := chromedp.Cancel(cctx); err != nil && !errors.Is(err, context.Canceled) {
			t.Logf("browsertest: close tab: %v", err)
		}
		cancelTab()
	})
	return ctx
}

// Navigate loads url in the tab and waits for the load event.
func Navigate(ctx context.Context, url string) error {
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return fmt.Errorf("browsertest: navigate to %s: %w", url, err)
	}
	return nil
}

// Screenshot loads url and writes a full-page PNG of it to path.
func Screenshot(ctx context.Context, url, path string) error {
	if err := Navigate(ctx, url); err != nil {
		return err
	}
	// Quality 100 gives PNG; anything lower gives JPEG.
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return fmt.Errorf("browsertest: screenshot of %s: %w", url, err)
	}
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		return fmt.Errorf("browsertest: %w", err)
	}
	return nil
}

// ScreenshotView writes a PNG of what the tab's viewport shows now, without
// loading a page: a signed-in page after the steps that led to it.
func ScreenshotView(ctx context.Context, path string) error {
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		return fmt.Errorf("browsertest: screenshot: %w", err)
	}
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		return fmt.Errorf("browsertest: %w", err)
	}
	return nil
}

// Cookies returns the cookies that apply to the URL of the tab's current page
// and its frames, as Network.getCookies reports them.
func Cookies(ctx context.Context) ([]*network.Cookie, error) {
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{})
	if err != nil {
		return nil, fmt.Errorf("browsertest: get cookies: %w", err)
	}
	return res.Cookies, nil
}

// Text returns the visible text (innerText) of the first element that
// matches the CSS selector sel. It waits for the element to appear, up to the
// deadline of ctx.
func Text(ctx context.Context, sel string) (string, error) {
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		return "", fmt.Errorf("browsertest: text of %q: %w", sel, err)
	}
	return s, nil
}

// Click clicks the first element that matches the CSS selector sel, once it
// is visible.
func Click(ctx context.Context, sel string) error {
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
		return fmt.Errorf("browsertest: click %q: %w", sel, err)
	}
	return nil
}

// Eval evaluates a JavaScript expression in the page and decodes its JSON
// value into T. Promises are awaited.
func Eval[T any](ctx context.Context, expr string) (T, error) {
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		return v, fmt.Errorf("browsertest: eval: %w", err)
	}
	return v, nil
}

// lockedBuffer keeps the first 64 KiB of the browser's output, for the
// message when the start fails. The allocator writes to it from another
// goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

const maxOutput = 64 << 10

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := maxOutput - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.TrimSpace(b.buf.String())
}
