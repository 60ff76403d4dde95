// Package client is a typed Go client of entente's JSON API (/api/v1).
//
// Its methods have the names, arguments and results of the service
// methods they reach over HTTP, so that code written against the service
// (the CLI's commands) runs against a shared server unchanged: the answers
// decode into the very types the server encodes. Errors come back as
// *entente.Error with the code, message and reasons of the server's problem
// details (RFC 9457), so a refusal reads the same in both places.
//
// Changes of existing records name the version they were made from
// (If-Match): a method given no version reads the record's current one
// first, so a change made by someone else between that read and the write
// is refused (ESTALE) rather than overwritten.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// MaxResponse bounds the body of one answer the client reads.
const MaxResponse = 64 << 20

// Client talks to one entente server. Its zero value is not usable; make
// one with New.
type Client struct {
	base  *url.URL
	token string
	http  *http.Client
	// Now is the clock Today reads; time.Now unless set.
	Now func() time.Time
}

// New returns a client of the server at base (such as
// https://entente.example.org), authenticating with the API token token
// (empty: as the public). hc is the HTTP client to use; nil is one with a
// 30-second timeout.
func New(base, token string, hc *http.Client) (*Client, error) {
	u, err := url.Parse(strings.TrimSuffix(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, entente.Errorf(entente.EINVALID, "server %q: want an http:// or https:// address, such as http://127.0.0.1:8080", base)
	}
	if u.User != nil {
		return nil, entente.Errorf(entente.EINVALID, "server %q: put the token in ENTENTE_TOKEN, not in the address", u.Redacted())
	}
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Client{base: u, token: token, http: hc, Now: time.Now}, nil
}

// Today is the current day (UTC) by the client's clock, as the service's
// Today is by the server's.
func (c *Client) Today() entente.Date { return entente.Day(c.Now().UTC()) }

// do sends a request and decodes a 2xx answer's JSON body into out (when
// out is not nil); any other answer is returned as an *entente.Error.
// header, if not nil, receives the answer's headers.
func (c *Client) do(ctx context.Context, method, path string, q url.Values, body io.Reader, ctype string, hdr http.Header, out any) (http.Header, error) {
	u := *c.base
	u.Path += path
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, entente.Errorf(entente.EINVALID, "%s %s: %v", method, path, err)
	}
	req.Header.Set("Accept", "application/json")
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	res, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &entente.Error{Code: entente.EUNAVAILABLE, Message: fmt.Sprintf("server %s cannot be reached: %v", c.base.Redacted(), unwrapURL(err)), Err: err}
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, MaxResponse+1))
	if err != nil {
		return nil, &entente.Error{Code: entente.EUNAVAILABLE, Message: fmt.Sprintf("%s %s: reading the answer: %v", method, path, err), Err: err}
	}
	if len(data) > MaxResponse {
		return nil, entente.Errorf(entente.EINTERNAL, "%s %s: the answer is larger than %d bytes", method, path, MaxResponse)
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return nil, problem(res, data)
	}
	if out != nil {
		if mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type")); mt != "application/json" {
			return nil, entente.Errorf(entente.EINTERNAL, "%s %s: the answer is %q, not JSON: is %s an entente server?", method, path, mt, c.base.Redacted())
		}
		if err := json.Unmarshal(data, out); err != nil {
			return nil, entente.Errorf(entente.EINTERNAL, "%s %s: the answer does not decode: %v", method, path, err)
		}
	}
	return res.Header, nil
}

// unwrapURL drops the *url.Error wrapper, whose text repeats the address.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// problem turns an error answer into an *entente.Error: the code, detail
// and reasons of its problem details, or, from something that is not an
// entente server, the status.
func problem(res *http.Response, data []byte) error {
	var p struct {
		Title   string           `json:"title"`
		Detail  string           `json:"detail"`
		Code    string           `json:"code"`
		Reasons []entente.Reason `json:"reasons"`
	}
	if json.Unmarshal(data, &p) != nil || p.Code == "" {
		p.Code = codeOf(res.StatusCode)
		p.Detail = fmt.Sprintf("the server answered %s", res.Status)
	}
	msg := p.Detail
	if msg == "" {
		msg = p.Title
	}
	return &entente.Error{Code: p.Code, Message: msg, Reasons: p.Reasons}
}

// codeOf is the error code of an HTTP status, for an answer without
// problem details.
func codeOf(status int) string {
	switch status {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
		return entente.EINVALID
	case http.StatusUnauthorized:
		return entente.EUNAUTHORIZED
	case http.StatusForbidden:
		return entente.EFORBIDDEN
	case http.StatusNotFound:
		return entente.ENOTFOUND
	case http.StatusConflict:
		return entente.ECONFLICT
	case http.StatusPreconditionFailed:
		return entente.ESTALE
	case http.StatusUnprocessableEntity:
		return entente.EREFUSED
	case http.StatusServiceUnavailable, http.StatusBadGateway, http.StatusGatewayTimeout:
		return entente.EUNAVAILABLE
	}
	return entente.EINTERNAL
}

func (c *Client) get(ctx context.Context, path string, q url.Values, out any) (http.Header, error) {
	return c.do(ctx, http.MethodGet, path, q, nil, "", nil, out)
}

// send posts v as JSON, with If-Match when ifMatch is not empty.
func (c *Client) send(ctx context.Context, path, ifMatch string, v, out any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return entente.Errorf(entente.EINVALID, "POST %s: %v", path, err)
	}
	var hdr http.Header
	if ifMatch != "" {
		hdr = http.Header{"If-Match": {ifMatch}}
	}
	_, err = c.do(ctx, http.MethodPost, path, nil, bytes.NewReader(body), "application/json", hdr, out)
	return err
}

// one reads the record at path into a new T.
func one[T any](ctx context.Context, c *Client, path string, q url.Values) (*T, error) {
	var out T
	if _, err := c.get(ctx, path, q, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// PageSize is how many items the client asks for in each page of a list.
const PageSize = 1000

// list reads the whole list at path, page after page, following each
// answer's Link to the next (rel="next").
func list[T any](ctx context.Context, c *Client, path string, q url.Values) ([]T, error) {
	q = maps.Clone(q)
	if q == nil {
		q = url.Values{}
	}
	q.Set("limit", strconv.Itoa(PageSize))
	var all []T
	for {
		var page []T
		h, err := c.get(ctx, path, q, &page)
		if err != nil {
			return nil, err
		}
		if all == nil {
			all = page
		} else {
			all = append(all, page...)
		}
		next := nextLink(h.Get("Link"))
		if next == "" {
			return all, nil
		}
		u, err := url.Parse(next)
		if err != nil || u.Path != path {
			return nil, entente.Errorf(entente.EINTERNAL, "GET %s: the next page's link %q is not of the same list", path, next)
		}
		q = u.Query()
	}
}

// nextLink is the target of the rel="next" link of a Link header, or "".
func nextLink(h string) string {
	for _, l := range strings.Split(h, ",") {
		target, params, ok := strings.Cut(strings.TrimSpace(l), ";")
		if ok && strings.Contains(strings.ReplaceAll(params, " ", ""), `rel="next"`) && strings.HasPrefix(target, "<") && strings.HasSuffix(target, ">") {
			return target[1 : len(target)-1]
		}
	}
	return ""
}

// post sends req to path and decodes the answer into a new T.
func post[T any](ctx context.Context, c *Client, path, ifMatch string, req any) (*T, error) {
	var out T
	if err := c.send(ctx, path, ifMatch, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// from is the version a change is made from: ifMatch when the caller named
// one, else the version of the record at path now ("" when there is none:
// a create).
func (c *Client) from(ctx context.Context, ifMatch, path string) (string, error) {
	if ifMatch != "" {
		return ifMatch, nil
	}
	h, err := c.get(ctx, path, nil, nil)
	if entente.ErrorCode(err) == entente.ENOTFOUND {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return h.Get("ETag"), nil
}

func day(d entente.Date) url.Values {
	if d.IsZero() {
		return nil
	}
	return url.Values{"as_of": {d.String()}}
}

func seg(s string) string { return url.PathEscape(s) }

// Members lists alliance's members on day asOf (today when zero).
func (c *Client) Members(ctx context.Context, alliance string, asOf entente.Date) ([]service.Member, error) {
	return list[service.Member](ctx, c, "/api/v1/alliances/"+seg(alliance)+"/members", day(asOf))
}

// Partners lists alliance's partners on day asOf.
func (c *Client) Partners(ctx context.Context, alliance string, asOf entente.Date) ([]service.Partner, error) {
	return list[service.Partner](ctx, c, "/api/v1/alliances/"+seg(alliance)+"/partners", day(asOf))
}

// Country is everything about one country on day asOf.
func (c *Client) Country(ctx context.Context, code string, asOf entente.Date) (*service.CountryView, error) {
	return one[service.CountryView](ctx, c, "/api/v1/countries/"+seg(code), day(asOf))
}

// CheckAccession is the verdict on whether state code may be invited to
// join alliance on day asOf.
func (c *Client) CheckAccession(ctx context.Context, alliance, code string, asOf entente.Date) (entente.Verdict, error) {
	v, err := one[entente.Verdict](ctx, c, "/api/v1/alliances/"+seg(alliance)+"/accession/"+seg(code), day(asOf))
	if err != nil {
		return entente.Verdict{}, err
	}
	return *v, nil
}

// Accession takes an accession step: an application names no version;
// another step is taken from the version req.IfMatch names or, when it
// names none, from the membership as it is now.
func (c *Client) Accession(ctx context.Context, step service.Step, req service.StepRequest) (*entente.Membership, error) {
	path := "/api/v1/alliances/" + seg(req.Alliance)
	v := req.IfMatch
	if step != service.StepApply {
		var err error
		if v, err = c.from(ctx, req.IfMatch, path+"/memberships/"+seg(req.Country)); err != nil {
			return nil, err
		}
	}
	body := struct {
		By     string       `json:"by,omitempty"`
		Date   entente.Date `json:"date,omitzero"`
		DryRun bool         `json:"dry_run,omitempty"`
	}{req.By, req.Date, req.DryRun}
	return post[entente.Membership](ctx, c, path+"/accession/"+seg(req.Country)+"/"+seg(string(step)), v, body)
}

// ProgrammesOf returns a partner's programmes (ISO3) or the one programme
// an id names, as they stood on day asOf.
func (c *Client) ProgrammesOf(ctx context.Context, partnerOrID string, asOf entente.Date) ([]service.ProgrammeView, error) {
	if !entente.ValidCountryCode(partnerOrID) {
		v, err := c.Programme(ctx, partnerOrID, asOf)
		if err != nil {
			return nil, err
		}
		return []service.ProgrammeView{*v}, nil
	}
	q := day(asOf)
	if q == nil {
		q = url.Values{}
	}
	q.Set("partner", partnerOrID)
	return list[service.ProgrammeView](ctx, c, "/api/v1/programmes", q)
}

// Progress returns a programme's progress on day asOf, every overdue item
// listed.
func (c *Client) Progress(ctx context.Context, id string, asOf entente.Date) (*entente.ProgrammeProgress, error) {
	return one[entente.ProgrammeProgress](ctx, c, "/api/v1/programmes/"+seg(id)+"/progress", day(asOf))
}

// Programme returns one programme as it stood on day asOf.
func (c *Client) Programme(ctx context.Context, id string, asOf entente.Date) (*service.ProgrammeView, error) {
	return one[service.ProgrammeView](ctx, c, "/api/v1/programmes/"+seg(id), day(asOf))
}

// DiffProgrammes is what changed between two programmes or reviews.
func (c *Client) DiffProgrammes(ctx context.Context, from, to string) (*entente.ProgrammeDiff, error) {
	return one[entente.ProgrammeDiff](ctx, c, "/api/v1/programmes/"+seg(from)+"/diff/"+seg(to), nil)
}

// Activities lists a programme's activities (f.Programme is required),
// of one status when f.Status is set.
func (c *Client) Activities(ctx context.Context, f entente.ActivityFilter) ([]entente.Activity, error) {
	if f.Programme == "" {
		return nil, entente.Errorf(entente.EINVALID, "name the programme whose activities to list")
	}
	q := url.Values{}
	if f.Status != "" {
		q.Set("status", string(f.Status))
	}
	return list[entente.Activity](ctx, c, "/api/v1/programmes/"+seg(f.Programme)+"/activities", q)
}

// Activity returns one activity.
func (c *Client) Activity(ctx context.Context, id string) (*entente.Activity, error) {
	return one[entente.Activity](ctx, c, "/api/v1/activities/"+seg(id), nil)
}

// Menu is the cooperation menu.
func (c *Client) Menu(ctx context.Context) ([]entente.Offer, error) {
	return list[entente.Offer](ctx, c, "/api/v1/menu", nil)
}

// Sources returns the sources the ids name that the caller may read (all
// of them when ids is empty).
func (c *Client) Sources(ctx context.Context, ids []string) ([]entente.Source, error) {
	var q url.Values
	if len(ids) > 0 {
		q = url.Values{"id": {strings.Join(ids, ",")}}
	}
	return list[entente.Source](ctx, c, "/api/v1/sources", q)
}

// Search finds records by their text.
func (c *Client) Search(ctx context.Context, req service.SearchRequest) (*entente.SearchResult, error) {
	q := url.Values{"q": {req.Q}}
	set := func(k, v string) {
		if v != "" && v != "0" {
			q.Set(k, v)
		}
	}
	set("kind", req.Kind)
	set("country", req.Country)
	set("decade", strconv.Itoa(req.Decade))
	set("limit", strconv.Itoa(req.Limit))
	set("offset", strconv.Itoa(req.Offset))
	return one[entente.SearchResult](ctx, c, "/api/v1/search", q)
}

// ProposeActivity proposes an activity under a programme.
func (c *Client) ProposeActivity(ctx context.Context, req service.ProposeRequest) (*entente.Activity, error) {
	return post[entente.Activity](ctx, c, "/api/v1/activities", "", req)
}

// StepActivity takes a workflow step, from the version req.IfMatch names
// or, when it names none, from the activity as it is now.
func (c *Client) StepActivity(ctx context.Context, step entente.ActivityStep, req service.ActivityRequest) (*entente.Activity, error) {
	path := "/api/v1/activities/" + seg(req.ID)
	v, err := c.from(ctx, req.IfMatch, path)
	if err != nil {
		return nil, err
	}
	return post[entente.Activity](ctx, c, path+"/"+seg(string(step)), v, req)
}

// PutGoal adds or changes a partnership goal: a change is made from the
// version req.IfMatch names or, when it names none, from the goal as it is
// now.
func (c *Client) PutGoal(ctx context.Context, req service.GoalRequest) (*entente.Goal, error) {
	path := "/api/v1/programmes/" + seg(req.Programme) + "/goals"
	v, err := c.from(ctx, req.IfMatch, path+"/"+seg(req.Code))
	if err != nil {
		return nil, err
	}
	return post[entente.Goal](ctx, c, path, v, req)
}

// ReviewProgramme records a review of a programme.
func (c *Client) ReviewProgramme(ctx context.Context, req service.ReviewRequest) (*entente.Review, error) {
	return post[entente.Review](ctx, c, "/api/v1/programmes/"+seg(req.Programme)+"/reviews", req.IfMatch, req)
}

// AgreeProgramme agrees a new programme.
func (c *Client) AgreeProgramme(ctx context.Context, req service.AgreeRequest) (*service.AgreeResult, error) {
	return post[service.AgreeResult](ctx, c, "/api/v1/programmes", "", req)
}
