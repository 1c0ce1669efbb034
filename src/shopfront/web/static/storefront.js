// The storefront's script: shopper switcher, live homepage, product dialog, events, search.
//
// The homepage comes from GET /v1/homepage/{user_id}; product cards from /web/items.
// Opening a product sends `view` (and `click` when it came from a homepage row);
// the dialog's buttons send `add_to_cart` and `purchase`. Events opened from the
// homepage carry its request_id and the section and position, so they are
// attributed. The homepage is reloaded after every event.
"use strict";

const params = new URLSearchParams(window.location.search);
const apiKey = params.get("key");
const state = {
  shopper: "",
  cards: new Map(),    // item_id -> card fields
  origin: null,        // where the open product came from
  itemId: null,        // the open product
  loadCount: 0,
};

function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (apiKey) headers["X-API-Key"] = apiKey;
  return fetch(path, Object.assign({}, options, {headers}));
}

function newEventId() {
  const random = Math.random().toString(16).slice(2, 10);
  return `web-${Date.now().toString(36)}-${random}`;
}

function showStatus(text) {
  const status = document.getElementById("status");
  status.textContent = text;
  status.classList.add("shown");
  clearTimeout(showStatus.timer);
  showStatus.timer = setTimeout(() => status.classList.remove("shown"), 2200);
}

// Shopper -------------------------------------------------------------------------------

function cartKey() { return `shopfront.cart.${state.shopper}`; }

function updateCart() {
  const count = Number(sessionStorage.getItem(cartKey()) || 0);
  document.getElementById("cart").textContent = `Cart · ${count}`;
}

function keepShopperInLinks() {
  for (const link of document.querySelectorAll("a[data-keep-shopper]")) {
    const url = new URL(link.getAttribute("href"), window.location.origin);
    url.searchParams.set("shopper", state.shopper);
    if (apiKey) url.searchParams.set("key", apiKey);
    link.setAttribute("href", url.pathname + url.search);
  }
  document.getElementById("search-shopper").value = state.shopper;
  const inspect = new URLSearchParams({user_id: state.shopper});
  if (apiKey) inspect.set("key", apiKey);
  document.querySelector(".admin-link").setAttribute("href", `/admin/shopper?${inspect}`);
}

function setShopper(userId) {
  state.shopper = userId;
  localStorage.setItem("shopfront.shopper", userId);
  const url = new URL(window.location.href);
  url.searchParams.set("shopper", userId);
  history.replaceState(null, "", url.pathname + url.search);
  keepShopperInLinks();
  updateCart();
  if (document.body.dataset.page === "home") loadHomepage();
}

async function loadShoppers() {
  const select = document.getElementById("shopper");
  let shoppers = [];
  try {
    const response = await api("/web/shoppers?n=40");
    if (response.ok) shoppers = await response.json();
  } catch (error) { shoppers = []; }
  const wanted = params.get("shopper") || localStorage.getItem("shopfront.shopper") || shoppers[0];
  const initial = wanted || "new-shopper";
  if (!shoppers.includes(initial)) shoppers.unshift(initial);
  for (const id of shoppers) {
    const option = document.createElement("option");
    option.value = option.textContent = id;
    select.appendChild(option);
  }
  select.value = initial;
  select.addEventListener("change", () => {
    document.getElementById("new-shopper").value = "";
    setShopper(select.value);
  });
  document.getElementById("new-shopper").addEventListener("change", (event) => {
    const id = event.target.value.trim();
    if (!id) return;
    if (![...select.options].some((o) => o.value === id)) {
      const option = document.createElement("option");
      option.value = option.textContent = id;
      select.prepend(option);
    }
    select.value = id;
    setShopper(id);
  });
  setShopper(initial);
}

// Cards -----------------------------------------------------------------------------------

async function loadCards(itemIds) {
  const missing = itemIds.filter((id) => !state.cards.has(id));
  for (let start = 0; start < missing.length; start += 100) {
    const query = missing.slice(start, start + 100).map((id) => `ids=${encodeURIComponent(id)}`);
    const response = await api(`/web/items?${query.join("&")}`);
    if (!response.ok) continue;
    for (const card of await response.json()) state.cards.set(card.item_id, card);
  }
}

function cardElement(item, reason) {
  const card = state.cards.get(item.item_id) || {
    item_id: item.item_id, title: item.title || item.item_id, category: "", brand: "",
    price_label: "", in_stock: true, thumbnail: "",
  };
  const el = document.createElement("article");
  el.className = "card";
  el.tabIndex = 0;
  el.dataset.itemId = card.item_id;
  el.innerHTML = `<img class="thumb" alt=""><div class="title"></div>
    <div class="meta"><span class="category"></span><span class="brand"></span></div>
    <div class="bottom"><span class="price"></span>
      <button type="button" class="why" aria-expanded="false">why?</button></div>
    <div class="reason" hidden></div>`;
  el.querySelector(".thumb").src = card.thumbnail;
  el.querySelector(".title").textContent = card.title;
  el.querySelector(".category").textContent = card.category;
  el.querySelector(".brand").textContent = card.brand ? ` · ${card.brand}` : "";
  el.querySelector(".price").textContent = card.price_label;
  el.querySelector(".reason").textContent = reason;
  if (!card.in_stock) {
    const badge = document.createElement("span");
    badge.className = "out";
    badge.textContent = "out of stock";
    el.appendChild(badge);
  }
  return el;
}

// Homepage --------------------------------------------------------------------------------

async function loadHomepage() {
  const load = ++state.loadCount;
  const user = state.shopper;
  const note = document.getElementById("page-note");
  const response = await api(`/v1/homepage/${encodeURIComponent(user)}?sections=6&items=10`);
  if (!response.ok) {
    const detail = await response.json().catch(() => ({}));
    note.textContent = `The homepage is unavailable (${response.status}): ${detail.detail || ""}`;
    return;
  }
  const page = await response.json();
  await loadCards(page.sections.flatMap((section) => section.items.map((i) => i.item_id)));
  if (load !== state.loadCount) return;  // a newer load has started meanwhile

  const pageEl = document.getElementById("page");
  pageEl.innerHTML = "";
  for (const section of page.sections) pageEl.appendChild(sectionElement(section, page));
  pageEl.dataset.requestId = page.request_id;
  pageEl.dataset.userId = user;
  const degraded = page.degraded ? " · degraded: served without history" : "";
  note.textContent = `Homepage of ${user} · model ${page.model_version}${degraded}`;
  if (!page.sections.length) note.textContent += " · nothing to show yet";
}

function sectionElement(section, page) {
  const el = document.createElement("section");
  el.className = "section";
  el.dataset.sectionId = section.id;
  if (section.anchor_item_id) el.dataset.anchorItemId = section.anchor_item_id;
  el.innerHTML = `<h2></h2><div class="section-why"></div><div class="row"></div>`;
  el.querySelector("h2").textContent = section.title;
  el.querySelector(".section-why").textContent = `Why this row: ${section.reason}`;
  const row = el.querySelector(".row");
  for (const item of section.items) {
    const card = cardElement(item, item.reason);
    card.dataset.requestId = page.request_id;
    card.dataset.sectionId = section.id;
    card.dataset.position = item.position;
    row.appendChild(card);
  }
  return el;
}

// Product dialog and events ---------------------------------------------------------------

function originOf(cardEl) {
  if (cardEl.dataset.requestId) {
    return {
      requestId: cardEl.dataset.requestId,
      context: {source: "homepage", section: cardEl.dataset.sectionId,
                position: Number(cardEl.dataset.position)},
      reason: cardEl.querySelector(".reason")?.textContent || "",
    };
  }
  return {requestId: null, context: {source: document.body.dataset.page}, reason: ""};
}

async function openProduct(cardEl) {
  const itemId = cardEl.dataset.itemId;
  const card = state.cards.get(itemId);
  if (!card) return;
  state.itemId = itemId;
  state.origin = originOf(cardEl);

  document.getElementById("product-image").src = card.thumbnail;
  document.getElementById("product-title").textContent = card.title;
  document.getElementById("product-meta").textContent =
    [card.category, card.brand].filter(Boolean).join(" · ");
  document.getElementById("product-price").textContent = card.price_label;
  const reason = document.getElementById("product-reason");
  reason.textContent = state.origin.reason ? `Why you see it: ${state.origin.reason}` : "";
  reason.hidden = !state.origin.reason;
  document.getElementById("product-note").textContent = "";
  document.getElementById("buy").disabled = !card.in_stock;
  const dialog = document.getElementById("product");
  if (!dialog.open) dialog.showModal();

  const types = state.origin.requestId ? ["click", "view"] : ["view"];
  await sendEvents(types, itemId, state.origin);
  showStatus(`Viewed ${card.title}`);
}

async function sendEvents(types, itemId, origin) {
  const timestamp = Date.now() / 1000;
  const events = types.map((type) => {
    const event = {event_id: newEventId(), user_id: state.shopper, item_id: itemId, type,
                   timestamp, context: origin.context};
    if (origin.requestId) event.request_id = origin.requestId;
    return event;
  });
  const response = await api("/v1/events", {
    method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({events}),
  });
  const outcome = response.ok ? await response.json() : {accepted: 0};
  document.body.dataset.eventsSent = String(Number(document.body.dataset.eventsSent || 0)
                                            + (outcome.accepted || 0));
  if (document.body.dataset.page === "home") await loadHomepage();
  return outcome;
}

async function act(type) {
  const card = state.cards.get(state.itemId);
  if (!card) return;
  const note = document.getElementById("product-note");
  const outcome = await sendEvents([type], state.itemId, state.origin);
  if (!outcome.accepted) {
    note.textContent = "The event was not accepted.";
    return;
  }
  if (type === "add_to_cart") {
    sessionStorage.setItem(cartKey(), String(Number(sessionStorage.getItem(cartKey()) || 0) + 1));
    updateCart();
    note.textContent = "Added to the cart ✓";
  } else {
    note.textContent = "Bought ✓ — thank you!";
  }
  showStatus(note.textContent);
}

function bindPage() {
  document.addEventListener("click", (event) => {
    const why = event.target.closest(".why");
    if (why) {
      const reason = why.closest(".card").querySelector(".reason");
      reason.hidden = !reason.hidden;
      why.setAttribute("aria-expanded", String(!reason.hidden));
      event.stopPropagation();
      return;
    }
    const card = event.target.closest(".card");
    if (card) openProduct(card);
  });
  document.addEventListener("keydown", (event) => {
    const card = event.target.closest && event.target.closest(".card");
    if (card && event.key === "Enter") openProduct(card);
  });
  document.getElementById("add-to-cart").addEventListener("click", () => act("add_to_cart"));
  document.getElementById("buy").addEventListener("click", () => act("purchase"));
  document.getElementById("close-product").addEventListener("click",
    () => document.getElementById("product").close());
}

// Search box ------------------------------------------------------------------------------

function bindSearch() {
  const input = document.getElementById("search");
  const list = document.getElementById("search-suggestions");
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2) return;
    timer = setTimeout(async () => {
      const response = await api(`/web/search?n=8&q=${encodeURIComponent(text)}`);
      if (!response.ok) return;
      const found = await response.json();
      list.innerHTML = "";
      for (const item of found.items) {
        const option = document.createElement("option");
        option.value = item.title;
        list.appendChild(option);
      }
    }, 180);
  });
  const form = input.closest("form");
  if (apiKey) {
    const hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = "key";
    hidden.value = apiKey;
    form.appendChild(hidden);
  }
}

function loadListingCards() {
  const data = document.getElementById("cards-data");
  if (!data) return;
  for (const card of JSON.parse(data.textContent)) state.cards.set(card.item_id, card);
}

loadListingCards();
bindPage();
bindSearch();
loadShoppers();
