package dataset_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/dataset"
	"github.com/entente/entente/store/storetest"
)

// withActivities is the plan fixture with n more activities, ids in
// canonical order after the fixture's.
func withActivities(n int) *entente.Dataset {
	ds := storetest.PlanFixture()
	for i := range n {
		a := ds.Activities[1]
		a.ID = fmt.Sprintf("ZZ-%07d", i)
		a.Title = fmt.Sprintf("Talks <%d> & more", i) // HTML characters stay as they are
		ds.Activities = append(ds.Activities, a)
	}
	return ds
}

// reference is the document as encoding/json writes the whole dataset,
// which is what export wrote before it streamed.
func reference(t *testing.T, ds *entente.Dataset) []byte {
	t.Helper()
	ds.Sort()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ds); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestJSONWriterBytes: the streaming writer (section by section, one
// activity at a time) writes the bytes encoding/json wrote for the whole
// dataset, whatever sections are present or empty.
func TestJSONWriterBytes(t *testing.T) {
	def, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	onlyActs := withActivities(3)
	onlyActs.Reviews = nil
	noActs := storetest.PlanFixture()
	noActs.Activities = nil
	for name, ds := range map[string]*entente.Dataset{
		"Default":      def,
		"Plan":         storetest.PlanFixture(),
		"Many":         withActivities(50),
		"NoReviews":    onlyActs,
		"NoActivities": noActs,
		"Empty":        {},
		"EmptyLists":   {Sources: []entente.Source{}, Activities: []entente.Activity{}, Reviews: []entente.Review{}},
	} {
		want := reference(t, ds)
		var got bytes.Buffer
		if err := dataset.WriteJSON(&got, ds); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s: the streaming writer's %d bytes differ from encoding/json's %d:\n%s", name, got.Len(), len(want), firstDiff(got.Bytes(), want))
		}
	}
}

func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(i-80, 0)
	return fmt.Sprintf("at byte %d:\n got …%q\nwant …%q", i, a[from:min(i+80, len(a))], b[from:min(i+80, len(b))])
}

// TestStreamJSONParts: StreamJSON hands over every record but the
// activities first, then the activities in batches of at most 2000, then
// the reviews; put together they are what ReadJSON reads.
func TestStreamJSONParts(t *testing.T) {
	ds := withActivities(4500)
	var doc bytes.Buffer
	if err := dataset.WriteJSON(&doc, ds); err != nil {
		t.Fatal(err)
	}
	var parts []string
	got := &entente.Dataset{}
	err := dataset.StreamJSON(t.Context(), "doc.json", bytes.NewReader(doc.Bytes()), func(part *entente.Dataset) error {
		switch {
		case len(parts) == 0:
			if len(part.Activities) > 0 || len(part.Programmes) == 0 {
				t.Errorf("first part: %d activities, %d programmes; want the records but the activities", len(part.Activities), len(part.Programmes))
			}
			*got = *part
			got.Reviews = nil
			parts = append(parts, "base")
		case len(part.Activities) > 0:
			if len(part.Activities) > 2000 || len(part.Reviews)+len(part.Programmes) > 0 {
				t.Errorf("an activity batch of %d with other records", len(part.Activities))
			}
			got.Activities = append(got.Activities, part.Activities...)
			parts = append(parts, "activities")
		default:
			got.Reviews = append(got.Reviews, part.Reviews...)
			parts = append(parts, "reviews")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "base activities activities activities reviews"; strings.Join(parts, " ") != want {
		t.Errorf("parts %q, want %q", parts, want)
	}
	again := reference(t, got)
	if !bytes.Equal(again, doc.Bytes()) {
		t.Errorf("the parts put together differ from the document:\n%s", firstDiff(again, doc.Bytes()))
	}
}

// TestStreamJSONProblems: problems with activities, found as they are read,
// name the file, the line and the field; once there is one nothing more is
// handed over, and reading goes on to report the next.
func TestStreamJSONProblems(t *testing.T) {
	ds := withActivities(2500)
	var b bytes.Buffer
	if err := dataset.WriteJSON(&b, ds); err != nil {
		t.Fatal(err)
	}
	doc := b.String()
	lineOf := func(s string) int { return 1 + strings.Count(doc[:strings.Index(doc, s)], "\n") }
	// An id out of order and used twice, far from the first; an unknown
	// programme and a bad field type.
	dup := `"id": "ZZ-0000003"`
	doc = strings.Replace(doc, `"id": "ZZ-0002400"`, dup, 1)
	doc = strings.Replace(doc, `"id": "ZZ-0000100",`+"\n"+`      "programme": "NZL-2024-ITPP"`, `"id": "ZZ-0000100",`+"\n"+`      "programme": "NOPE"`, 1)
	doc = strings.Replace(doc, `"id": "ZZ-0000200",`+"\n"+`      "programme": "NZL-2024-ITPP",`+"\n"+`      "title": "Talks <200> & more"`,
		`"id": "ZZ-0000200",`+"\n"+`      "programme": "NZL-2024-ITPP",`+"\n"+`      "title": 200`, 1)
	dupLine := 1 + strings.Count(doc[:strings.LastIndex(doc, dup)], "\n") - 1
	want := []string{
		fmt.Sprintf(`doc.json:%d: [activity ZZ-0000100]: programme: unknown programme "NOPE"`, lineOf(`"id": "ZZ-0000100"`)-1),
		fmt.Sprintf(`doc.json:%d: activities: title: want a string, got a number`, lineOf(`"id": "ZZ-0000200"`)+2),
		fmt.Sprintf(`doc.json:%d: [activity ZZ-0000003]: defined more than once`, dupLine),
	}
	adds := 0
	err := dataset.StreamJSON(t.Context(), "doc.json", strings.NewReader(doc), func(part *entente.Dataset) error {
		adds++
		return nil
	})
	var pe *dataset.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v, want a ParseError", err)
	}
	if strings.Join(pe.Problems, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(pe.Problems, "\n"), strings.Join(want, "\n"))
	}
	// The records before the activities were good and handed over; the
	// first problem came in the first batch of activities, so no batch was.
	if adds != 1 {
		t.Errorf("add was called %d times, want once (the records before the activities)", adds)
	}
}

// TestStreamJSONOrder: the activities are checked and written as they are
// read, so a section they may refer to cannot come after them.
func TestStreamJSONOrder(t *testing.T) {
	doc := "{\n  \"activities\": [],\n  \"reviews\": [],\n  \"programmes\": []\n}\n"
	_, err := dataset.ReadJSON("doc.json", strings.NewReader(doc))
	want := "doc.json:4: programmes: must come before the activities"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
}

// TestStreamJSONCancel: a cancelled context stops reading with its error,
// after which nothing more is handed over.
func TestStreamJSONCancel(t *testing.T) {
	var b bytes.Buffer
	if err := dataset.WriteJSON(&b, withActivities(5000)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	adds := 0
	err := dataset.StreamJSON(ctx, "doc.json", bytes.NewReader(b.Bytes()), func(part *entente.Dataset) error {
		if adds++; adds == 2 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || adds != 2 {
		t.Errorf("StreamJSON: %v after %d parts, want context.Canceled after 2", err, adds)
	}
}
