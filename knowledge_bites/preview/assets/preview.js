// The preview page: follows the build over server-sent events (/events) and updates what it shows in place.
// No reload: elements are kept by sheet and only what changed is touched, so the reader's place, the scroll
// position and anything set in the page stay. A new picture replaces the old one only once it is loaded.
"use strict";

(() => {
  const main = document.getElementById("main");
  const activity = document.getElementById("activity");
  const seriesName = document.getElementById("series");
  const switcher = document.getElementById("languages"); // in the band, so that it is at hand anywhere on a sheet
  let state = null; // the whole view, as the server last told it
  const sheets = new Map(); // key -> sheet
  let filter = { attention: false, lang: null };
  let shownPage = null; // "series" or "sheet:<key>": what main holds now
  const tiles = new Map(); // key -> the tile of a sheet on the series page
  const practices = new Map(); // number -> the card of a practice on the series page
  let sheetPage = null; // the parts of the sheet page, while it is shown

  // --- Small helpers -----------------------------------------------------------------------------

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "className") node.className = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children) if (child !== null) node.append(child);
    return node;
  }

  function setText(node, text) {
    if (node.textContent !== (text || "")) node.textContent = text || "";
  }

  function setData(node, values) {
    for (const [name, value] of Object.entries(values)) {
      const text = String(value);
      if (node.dataset[name] !== text) node.dataset[name] = text;
    }
  }

  function capital(text) {
    return text ? text[0].toUpperCase() + text.slice(1) : "";
  }

  function number(n) {
    return n === null ? "—" : String(n).padStart(2, "0");
  }

  // "rtl" for a language that reads right to left (its sheet's title, and its two pages in reading order).
  function languageDir(code) {
    const found = state && state.languages.find((l) => l.code === code);
    return (found && found.dir) || "ltr";
  }

  function languageName(code) {
    const found = state && state.languages.find((l) => l.code === code);
    return found ? found.name : code || "";
  }

  // Show a picture in `img`, keeping the one it shows until the new one is loaded and decoded.
  function showPicture(img, url) {
    if (!url) {
      img.removeAttribute("src");
      delete img.dataset.want;
      return;
    }
    if (img.dataset.want === url) return;
    img.dataset.want = url;
    if (!img.getAttribute("src")) {
      img.src = url; // the first picture: loaded as the page needs it (lazily on the series page)
      return;
    }
    const next = new Image();
    next.src = url;
    const swap = () => {
      if (img.dataset.want !== url) return; // a newer picture was asked for meanwhile
      img.src = url;
      img.dataset.shownAt = String(Date.now()); // when the reader saw it: the benchmark times saves to this
    };
    next.decode().then(swap, swap);
  }

  const STATUS = {
    ok: "Built",
    warnings: "Built, with warnings",
    failed: "Not built",
    new: "Not built yet",
  };

  function statusText(sheet) {
    // A sheet updating waits behind the one just saved: its pages are its last ones, neither failed nor current.
    if (sheet.updating) return "Updating…";
    return sheet.building ? "Building…" : STATUS[sheet.status] || sheet.status;
  }

  function needsAttention(sheet) {
    // A language still in progress lacks practices on purpose: that note asks nothing of anyone yet.
    return (
      sheet.status === "failed" ||
      sheet.status === "warnings" ||
      sheet.notes.some((note) => note.kind !== "in-progress")
    );
  }

  // --- Receiving ---------------------------------------------------------------------------------

  function receive(message) {
    if (message.type === "state") {
      state = message.state;
      sheets.clear();
      for (const sheet of state.sheets) sheets.set(sheet.key, sheet);
      render();
    } else if (message.type === "sheet" && state) {
      const sheet = message.sheet;
      sheets.set(sheet.key, sheet);
      const index = state.sheets.findIndex((s) => s.key === sheet.key);
      if (index >= 0) state.sheets[index] = sheet;
      updateSheet(sheet);
      renderActivity();
      if (shownPage === "series") renderCounts();
    } else if (message.type === "status" && state) {
      state.building = message.building;
      state.changed = message.changed;
      renderActivity();
    }
  }

  function connect() {
    const events = new EventSource("/events");
    events.onopen = () => {
      document.body.dataset.connected = "true";
    };
    events.onmessage = (event) => receive(JSON.parse(event.data));
    events.onerror = () => {
      document.body.dataset.connected = "false";
      setText(activity, "The preview is not running: start it again with make preview");
      activity.dataset.kind = "offline";
    };
  }

  // --- Routing: the series page, and a page per sheet (/sheet/<key>) -----------------------------

  function wanted() {
    const match = location.pathname.match(/^\/sheet\/(.+)$/);
    return match ? "sheet:" + decodeURIComponent(match[1]) : "series";
  }

  function go(href, keepView) {
    if (href === location.pathname) return;
    history.pushState(null, "", href);
    render();
    if (!keepView) window.scrollTo(0, 0); // another page starts at its top; the language switch keeps the view
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-link]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    go(link.getAttribute("href"), link.hasAttribute("data-keep-view"));
  });
  window.addEventListener("popstate", render);

  // --- The whole page ----------------------------------------------------------------------------

  function render() {
    if (!state) return;
    setText(seriesName, state.series || "");
    renderActivity();
    document.body.dataset.error = state.error.length ? "true" : "false";
    if (state.error.length) {
      renderError();
      return;
    }
    const page = wanted();
    if (page === "series") renderSeries();
    else renderSheetPage(page.slice(6));
  }

  function renderActivity() {
    const building = state.building || state.sheets.some((s) => s.building);
    document.body.dataset.building = building ? "true" : "false";
    if (document.body.dataset.connected === "false" && !building) return;
    let kind, text;
    if (building) {
      kind = "building";
      const names = state.changed.map((path) => path.split("/").pop());
      text = "Building…" + (names.length ? " " + names.join(", ") : "");
    } else if (state.error.length) {
      kind = "failed";
      text = "The series cannot be built";
    } else {
      const failed = state.sheets.filter((s) => s.status === "failed").length;
      kind = failed ? "failed" : "ready";
      text = failed ? `${failed} sheet${failed === 1 ? "" : "s"} not built` : "Up to date";
    }
    setText(activity, text);
    activity.title = state.summary || "";
    activity.dataset.kind = kind;
  }

  function clear(page) {
    shownPage = page;
    tiles.clear();
    practices.clear();
    sheetPage = null;
    main.replaceChildren();
    switcher.replaceChildren();
    switcher.hidden = true;
  }

  // --- A series that cannot be built fills the page ----------------------------------------------

  function renderError() {
    if (shownPage !== "error") clear("error");
    const lines = el("ul", { className: "lines" });
    for (const line of state.error) lines.append(el("li", {}, el("code", {}, line)));
    main.replaceChildren(
      el(
        "section",
        { className: "series-error", role: "alert" },
        el("h1", {}, "The series cannot be built"),
        el("p", {}, "Fix what these lines say and save: this page follows by itself."),
        lines,
      ),
    );
    document.title = "Cannot build · Preview";
  }

  // --- The series page ---------------------------------------------------------------------------

  function renderSeries() {
    if (shownPage !== "series") {
      clear("series");
      const languages = el("div", { className: "filter", role: "group", "aria-label": "Languages" });
      main.append(
        el(
          "section",
          { className: "overview" },
          el("h1", {}, "Every sheet of the series"),
          el("p", { className: "counts", id: "counts" }),
          el(
            "div",
            { className: "filters" },
            el(
              "div",
              { className: "filter", role: "group", "aria-label": "Show" },
              el("button", { type: "button", "data-attention": "false" }, "All sheets"),
              el("button", { type: "button", "data-attention": "true" }, "Needs attention"),
            ),
            languages,
          ),
          el("ul", { className: "notices", id: "notices" }),
        ),
        el("ol", { className: "practices", id: "practices" }),
      );
      main.querySelector(".filters").addEventListener("click", (event) => {
        const button = event.target.closest("button");
        if (!button) return;
        if (button.dataset.attention) filter.attention = button.dataset.attention === "true";
        if (button.dataset.lang !== undefined) filter.lang = button.dataset.lang || null;
        renderSeries();
      });
    }
    document.title = `${state.series || "Series"} · Preview`;
    renderFilters();
    renderCounts();
    const notices = document.getElementById("notices");
    notices.replaceChildren(...state.notices.map((line) => el("li", {}, el("code", {}, line))));

    const list = document.getElementById("practices");
    list.style.setProperty("--languages", String(Math.min(Math.max(state.languages.length, 1), 6)));
    const groups = new Map();
    for (const sheet of state.sheets) {
      const group = sheet.number === null ? "?" + sheet.key : String(sheet.number);
      if (!groups.has(group)) groups.set(group, []);
      groups.get(group).push(sheet);
    }
    const order = [];
    for (const [group, members] of groups) {
      let card = practices.get(group);
      if (!card) {
        card = {
          root: el("li", { className: "practice" }),
          number: el("p", { className: "practice-number" }),
          tiles: el("div", { className: "tiles" }),
        };
        card.root.append(card.number, card.tiles);
        practices.set(group, card);
      }
      setText(card.number, members[0].number === null ? "Unnumbered" : "Practice " + number(members[0].number));
      card.tiles.style.setProperty("--languages", String(Math.max(state.languages.length, members.length)));
      card.tiles.replaceChildren(...members.map((sheet) => tileOf(sheet).root));
      const shown = members.filter(
        (s) => (!filter.attention || needsAttention(s)) && (!filter.lang || s.lang === filter.lang),
      );
      card.root.hidden = shown.length === 0;
      for (const sheet of members) tiles.get(sheet.key).root.hidden = !shown.includes(sheet);
      order.push(card.root);
    }
    for (const [group, card] of practices) if (!groups.has(group)) practices.delete(group);
    for (const key of [...tiles.keys()]) if (!sheets.has(key)) tiles.delete(key);
    if (order.some((node, i) => list.children[i] !== node) || list.children.length !== order.length) {
      list.replaceChildren(...order); // moves the cards, which keep their pictures
    }
    for (const sheet of state.sheets) updateTile(sheet);
  }

  function renderFilters() {
    const languages = main.querySelector('.filter[aria-label="Languages"]');
    const buttons = [el("button", { type: "button", "data-lang": "" }, "All languages")];
    for (const language of state.languages) {
      buttons.push(el("button", { type: "button", "data-lang": language.code }, language.name));
    }
    if (languages.children.length !== buttons.length) languages.replaceChildren(...buttons);
    for (const button of main.querySelectorAll(".filters button")) {
      const on =
        button.dataset.attention !== undefined
          ? (button.dataset.attention === "true") === filter.attention
          : (button.dataset.lang || null) === filter.lang;
      button.setAttribute("aria-pressed", on ? "true" : "false");
    }
  }

  function renderCounts() {
    const counts = document.getElementById("counts");
    if (!counts) return;
    const all = state.sheets.length;
    const failed = state.sheets.filter((s) => s.status === "failed").length;
    const warned = state.sheets.filter((s) => s.status === "warnings").length;
    const attention = state.sheets.filter(needsAttention).length;
    const practicesCount = new Set(state.sheets.map((s) => s.number)).size;
    const parts = [`${practicesCount} practices`, `${all} sheets`];
    if (failed) parts.push(`${failed} not built`);
    if (warned) parts.push(`${warned} with warnings`);
    setText(counts, parts.join(" · "));
    const button = main.querySelector('button[data-attention="true"]');
    if (button) setText(button, `Needs attention (${attention})`);
  }

  function tileOf(sheet) {
    let tile = tiles.get(sheet.key);
    if (tile) return tile;
    tile = {
      root: el("a", { className: "tile", href: "/sheet/" + encodeURIComponent(sheet.key), "data-link": true }),
      img: el("img", { alt: "", width: 600, height: 849, loading: "lazy" }),
      lang: el("span", { className: "lang" }),
      status: el("span", { className: "chip" }),
      title: el("span", { className: "title" }),
      fit: el("span", { className: "fit" }),
      notes: el("span", { className: "notes" }),
      problem: el("span", { className: "problem" }),
    };
    const cover = el("span", { className: "cover" }, tile.img, el("span", { className: "flag" }, "Not current"));
    tile.root.append(
      cover,
      el("span", { className: "tile-head" }, tile.lang, tile.status),
      tile.title,
      tile.fit,
      tile.notes,
      tile.problem,
    );
    tiles.set(sheet.key, tile);
    return tile;
  }

  function updateTile(sheet) {
    const tile = tiles.get(sheet.key);
    if (!tile) return;
    setData(tile.root, {
      key: sheet.key,
      status: sheet.status,
      current: sheet.current,
      building: sheet.building,
      updating: sheet.updating,
    });
    tile.root.dataset.shown = sheet.thumbnail ? "true" : "false";
    showPicture(tile.img, sheet.thumbnail);
    tile.img.alt = sheet.thumbnail ? `Page 1 of ${sheet.title || sheet.source}` : "";
    setText(tile.lang, languageName(sheet.lang));
    setText(tile.status, statusText(sheet));
    setText(tile.title, sheet.title || sheet.source);
    tile.title.lang = sheet.lang || "";
    tile.title.dir = languageDir(sheet.lang);
    setText(tile.fit, capital(sheet.fit));
    setData(tile.fit, { fits: sheet.room === null ? "" : sheet.room >= 0 });
    tile.notes.replaceChildren(...sheet.notes.map((note) => el("span", { className: "note note-" + note.kind }, capital(note.text))));
    setText(tile.problem, sheet.problems[0] || "");
    tile.problem.title = sheet.problems.join("\n");
  }

  // --- The page of a sheet -----------------------------------------------------------------------

  function renderSheetPage(key) {
    const sheet = sheets.get(key);
    if (!sheet) {
      clear("missing");
      main.append(
        el(
          "section",
          { className: "series-error" },
          el("h1", {}, "No such sheet"),
          el("p", {}, el("a", { href: "/", "data-link": true }, "See every sheet of the series")),
        ),
      );
      return;
    }
    if (!shownPage || !shownPage.startsWith("sheet:")) {
      clear("sheet:" + key);
      sheetPage = buildSheetPage();
    }
    shownPage = "sheet:" + key;
    sheetPage.key = key;
    updateSheetPage(sheet);
  }

  function buildSheetPage() {
    const page = {
      kicker: el("p", { className: "kicker" }),
      title: el("h1", { className: "sheet-title" }),
      status: el("span", { className: "chip" }),
      fit: el("span", { className: "fit" }),
      notes: el("span", { className: "notes" }),
      languages: switcher,
      pdf: el("a", { className: "button", target: "_blank", rel: "noopener" }, "Open the PDF"),
      problems: el("section", { className: "problems", "aria-live": "polite" }),
      problemsTitle: el("h2", {}),
      problemsText: el("p", {}),
      problemsList: el("ul", { className: "lines" }),
      spread: el("div", { className: "spread" }),
      pages: [1, 2].map((n) => el("img", { alt: `Page ${n}`, width: 1200, height: 1697 })),
      empty: el("p", { className: "empty" }, "No pages yet: this sheet has not been built."),
      source: el("p", { className: "source" }),
    };
    page.problems.append(page.problemsTitle, page.problemsText, page.problemsList);
    page.spread.append(
      ...page.pages.map((img) => el("figure", { className: "paper" }, img)),
      el("p", { className: "stale" }, "Not current: the last good build"),
      el("p", { className: "updating" }, "Updating: these pages are from before the last save"),
    );
    main.append(
      el(
        "section",
        { className: "sheet-head" },
        el("p", { className: "crumbs" }, el("a", { href: "/", "data-link": true }, "← Every sheet")),
        page.kicker,
        page.title,
        el("div", { className: "facts" }, page.status, page.fit, page.notes),
        el("div", { className: "actions" }, page.pdf),
      ),
      page.problems,
      page.spread,
      page.empty,
      page.source,
    );
    return page;
  }

  function updateSheetPage(sheet) {
    const page = sheetPage;
    setData(main, { key: sheet.key, status: sheet.status, current: sheet.current, building: sheet.building });
    document.title = `${number(sheet.number)} ${sheet.title || sheet.source} · Preview`;
    setText(page.kicker, `Practice ${number(sheet.number)} · ${languageName(sheet.lang)}`);
    setText(page.title, sheet.title || sheet.source);
    page.title.lang = sheet.lang || "";
    page.title.dir = languageDir(sheet.lang);
    page.spread.dir = languageDir(sheet.lang); // page 1 first in the sheet's reading direction
    setText(page.status, statusText(sheet));
    setText(page.fit, capital(sheet.fit));
    setData(page.fit, { fits: sheet.room === null ? "" : sheet.room >= 0 });
    page.notes.replaceChildren(...sheet.notes.map((note) => el("span", { className: "note note-" + note.kind }, capital(note.text))));

    const twins = state.sheets.filter((s) => s.number !== null && s.number === sheet.number);
    const links = twins.map((twin) =>
      el(
        "a",
        {
          href: "/sheet/" + encodeURIComponent(twin.key),
          "data-link": true,
          "data-keep-view": true,
          "aria-current": twin.key === sheet.key ? "page" : null,
          "data-status": twin.status,
          hreflang: twin.lang,
        },
        languageName(twin.lang),
      ),
    );
    const same =
      page.languages.children.length === links.length &&
      links.every((link, i) => link.outerHTML === page.languages.children[i].outerHTML);
    if (!same) page.languages.replaceChildren(...links);
    page.languages.hidden = false;

    if (sheet.pdf) page.pdf.href = sheet.pdf;
    page.pdf.hidden = !sheet.pdf;

    const failed = sheet.status === "failed";
    page.problems.hidden = sheet.problems.length === 0;
    setData(page.problems, { severity: failed ? "error" : "warning" });
    setText(
      page.problemsTitle,
      failed ? "This sheet was not built" : `${sheet.problems.length === 1 ? "A warning" : "Warnings"} from the build`,
    );
    setText(
      page.problemsText,
      failed
        ? sheet.pages.length
          ? "The pages below are from its last good build. Fix what these lines say and save: the pages follow."
          : "Fix what these lines say and save: the pages follow."
        : "The sheet was built; these lines say what to look at.",
    );
    const lines = sheet.problems.map((line) => el("li", {}, el("code", {}, line)));
    if (page.problemsList.textContent !== sheet.problems.join("")) page.problemsList.replaceChildren(...lines);

    page.spread.hidden = sheet.pages.length === 0;
    page.empty.hidden = sheet.pages.length !== 0;
    setData(page.spread, { current: sheet.current, building: sheet.building, updating: sheet.updating });
    page.pages.forEach((img, i) => showPicture(img, sheet.pages[i]));
    setText(page.source, "Source: " + sheet.source);
  }

  function updateSheet(sheet) {
    if (shownPage === "series") updateTile(sheet);
    else if (sheetPage && sheetPage.key === sheet.key) updateSheetPage(sheet);
    else if (sheetPage && sheetPage.key) {
      const shown = sheets.get(sheetPage.key);
      if (shown && shown.number === sheet.number) updateSheetPage(shown); // the language switch shows its state
    }
  }

  connect();
})();
