package sqlstore

import (
	"context"
	"reflect"
	"testing"
)

// TestClones checks that each memo clone function copies every slice of its
// record, however deep, found by reflection: a slice field added to a record
// later, and not copied, fails here rather than letting one reader's change
// reach the next.
func TestClones(t *testing.T) {
	testClone(t, "Country", cloneCountry)
	testClone(t, "Alliance", cloneAlliance)
	testClone(t, "Membership", cloneMembership)
	testClone(t, "Framework", cloneFramework)
	testClone(t, "Partnership", clonePartnership)
	testClone(t, "Operation", cloneOperation)
	testClone(t, "Contribution", cloneContribution)
	testClone(t, "Meeting", cloneMeeting)
	testClone(t, "Invitation", cloneInvitation)
	testClone(t, "Group", cloneGroup)
	testClone(t, "Area", cloneArea)
	testClone(t, "Programme", cloneProgramme)
	testClone(t, "Objective", cloneObjective)
	testClone(t, "Goal", cloneGoal)
	testClone(t, "Source", cloneSource)
}

// testClone fills a record of type T whole, clones it and checks that the
// clone is equal and shares no slice.
func testClone[T any](t *testing.T, name string, clone func(T) T) {
	t.Helper()
	var orig T
	fill(reflect.ValueOf(&orig).Elem())
	c := clone(orig)
	if !reflect.DeepEqual(orig, c) {
		t.Errorf("%s: the clone differs from its original", name)
	}
	shared(t, name, reflect.ValueOf(orig), reflect.ValueOf(c))
}

// fill sets every string of v to "x" and makes every slice hold two filled
// elements, recursively.
func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i))
			}
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range v.Len() {
			fill(v.Index(i))
		}
	case reflect.Map, reflect.Pointer:
		panic("fill: records hold no maps or pointers; teach fill and the clones about " + v.Type().String())
	}
}

// shared reports every slice of b that shares its array with a's.
func shared(t *testing.T, path string, a, b reflect.Value) {
	t.Helper()
	switch a.Kind() {
	case reflect.Struct:
		for i := range a.NumField() {
			if a.Type().Field(i).IsExported() {
				shared(t, path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i))
			}
		}
	case reflect.Slice:
		if a.Len() > 0 && a.Pointer() == b.Pointer() {
			t.Errorf("%s: the clone shares the original's slice", path)
		}
		for i := range min(a.Len(), b.Len()) {
			shared(t, path, a.Index(i), b.Index(i))
		}
	}
}

// TestMemoBounds checks when the memo reads a kind from the database: once
// per change-counter value for a kind within maxMemoRows, and, once a kind
// is found bigger, never again whole (the caller runs its filtered query).
func TestMemoBounds(t *testing.T) {
	ctx := t.Context()
	m := &memo{}
	loads := map[string]int{}
	loader := func(kind string, n int) func(context.Context, reader) ([]int, error) {
		return func(_ context.Context, r reader) ([]int, error) {
			if r.memo != nil {
				t.Errorf("%s: loaded through the memo", kind)
			}
			loads[kind]++
			return make([]int, n), nil
		}
	}
	at := func(gen int64) reader { return reader{memo: &memoView{m: m, gen: gen}} }
	for _, gen := range []int64{1, 1, 2, 2, 2} {
		all, ok, err := memoAll(ctx, at(gen), "small", loader("small", 3))
		if !ok || err != nil || len(all) != 3 {
			t.Fatalf("small at %d: %d records, %v, %v", gen, len(all), ok, err)
		}
	}
	if loads["small"] != 2 {
		t.Errorf("small: loaded %d times over two counter values, want 2", loads["small"])
	}
	all, ok, err := memoAll(ctx, at(2), "big", loader("big", maxMemoRows+1))
	if !ok || err != nil || len(all) != maxMemoRows+1 {
		t.Fatalf("big, first: %d records, %v, %v", len(all), ok, err)
	}
	for _, gen := range []int64{2, 3} {
		if _, ok, err := memoAll(ctx, at(gen), "big", loader("big", maxMemoRows+1)); ok || err != nil {
			t.Errorf("big at %d: answered from the memo (%v, %v), want the database", gen, ok, err)
		}
	}
	if loads["big"] != 1 {
		t.Errorf("big: loaded whole %d times, want once", loads["big"])
	}
	if _, ok, _ := memoAll(ctx, reader{}, "small", loader("small", 3)); ok {
		t.Error("a reader outside a View answered from the memo")
	}
}
