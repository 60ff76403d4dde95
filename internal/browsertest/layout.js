(() => {
  const problems = [];
  const vw = document.documentElement.clientWidth;
  const tol = 1; // CSS pixels of rounding
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    if (typeof el.className === "string" && el.className.trim()) s += "." + el.className.trim().split(/\s+/).join(".");
    const text = (el.textContent || "").replace(/\s+/g, " ").trim();
    if (text) s += " \"" + (text.length > 60 ? text.slice(0, 57) + "..." : text) + "\"";
    return s;
  };
  const hidden = (el) => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.display === "none" || cs.visibility === "hidden") return true;
      if (e.tagName === "DETAILS" && !e.open && e !== el) return true;
    }
    return false;
  };
  // Inside a box that scrolls sideways (or clips) on purpose, the box's
  // own edges are what count.
  const scroller = (el) => {
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      const ox = getComputedStyle(e).overflowX;
      if (ox === "auto" || ox === "scroll" || ox === "hidden" || ox === "clip") return e;
    }
    return null;
  };
  // Off-screen on purpose: the skip link until focused.
  const offscreenByDesign = (el) => el.closest(".skip") !== null;

  const reported = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (offscreenByDesign(el) || hidden(el) || scroller(el)) continue;
    if (reported.some((r) => r.contains(el))) continue; // its container says it

    if (el.closest("svg") && el.tagName.toLowerCase() !== "svg") continue;
    for (const r of el.getClientRects()) {
      if (r.width === 0 && r.height === 0) continue;
      if (r.right > vw + tol || r.left < -tol) {
        problems.push({kind: "overflow", element: describe(el),
          detail: `spans ${Math.round(r.left)}..${Math.round(r.right)} px, viewport ${vw} px`});
        reported.push(el);
        break;
      }
    }
  }
  if (document.documentElement.scrollWidth > vw + tol) {
    problems.push({kind: "overflow", element: "html",
      detail: `the page is ${document.documentElement.scrollWidth} px wide, viewport ${vw} px`});
  }

  const cites = [...document.querySelectorAll(".cite")].filter((c) => !hidden(c));
  const rectsOf = new Map(cites.map((c) => [c, [...c.getClientRects()].filter((r) => r.width > 0)]));
  const meets = (a, b) => a.left < b.right - tol && b.left < a.right - tol && a.top < b.bottom - tol && b.top < a.bottom - tol;
  for (let i = 0; i < cites.length; i++) {
    const block = cites[i].closest("li, p, td, th, dd, dt, figcaption, caption, h1, h2, h3, div, section");
    if (block) {
      const b = block.getBoundingClientRect();
      for (const r of rectsOf.get(cites[i])) {
        if (r.right > b.right + tol || r.left < b.left - tol) {
          problems.push({kind: "overlap", element: describe(cites[i]),
            detail: `runs out of its ${block.tagName.toLowerCase()} (${Math.round(r.left)}..${Math.round(r.right)} px in ${Math.round(b.left)}..${Math.round(b.right)} px)`});
          break;
        }
      }
    }
    for (let j = i + 1; j < cites.length; j++) {
      if (rectsOf.get(cites[i]).some((a) => rectsOf.get(cites[j]).some((b) => meets(a, b)))) {
        problems.push({kind: "overlap", element: describe(cites[i]), detail: "overlaps " + describe(cites[j])});
      }
    }
  }

  for (const svg of document.querySelectorAll("svg")) {
    if (hidden(svg)) continue;
    const vb = svg.viewBox && svg.viewBox.baseVal;
    if (!vb || vb.width === 0) continue;
    for (const t of svg.querySelectorAll("text")) {
      const b = t.getBBox();
      if (b.width === 0) continue;
      if (b.x < vb.x - tol || b.y < vb.y - tol || b.x + b.width > vb.x + vb.width + tol || b.y + b.height > vb.y + vb.height + tol) {
        problems.push({kind: "svg-clip", element: describe(t) + " in " + describe(svg).slice(0, 40),
          detail: `text box ${b.x.toFixed(0)},${b.y.toFixed(0)} ${b.width.toFixed(0)}x${b.height.toFixed(0)} outside viewBox ${vb.x} ${vb.y} ${vb.width} ${vb.height}`});
      }
    }
  }
  // The first few of each kind say enough.
  const count = {};
  return problems.filter((p) => (count[p.kind] = (count[p.kind] || 0) + 1) <= 8);
})()
