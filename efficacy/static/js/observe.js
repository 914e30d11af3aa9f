// The observation page, offline too: notes, tallies and photos wait in this page and in
// localStorage (a photo's bytes in IndexedDB, which holds far more) until the server says
// it stored them. Each note and photo carries a UUID
// made here, and each tally an absolute count with a version, so sending again (after a
// lost answer) stores nothing twice. Without this script the same forms post as usual.
(function () {
  "use strict";

  var root = document.querySelector("[data-observe]");
  if (!root || !window.fetch) { return; }
  var storeKey = root.getAttribute("data-store-key");
  var status = root.querySelector("[data-sync-status]");
  var pendingList = root.querySelector("[data-pending]");
  var csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value;
  var sending = false;
  var photos = {};  // uuid -> File, while this page lives

  // --- photo bytes in IndexedDB: a reload, offline too, keeps them -------------------
  var dbOpening = null;
  function db() {
    if (!window.indexedDB) { return Promise.reject(new Error("no IndexedDB")); }
    if (!dbOpening) {
      dbOpening = new Promise(function (resolve, reject) {
        var request = indexedDB.open("efficacy-observe", 1);
        request.onupgradeneeded = function () { request.result.createObjectStore("photos"); };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbOpening;
  }
  function photoStore(mode, act) {
    return db().then(function (conn) {
      return new Promise(function (resolve, reject) {
        var tx = conn.transaction("photos", mode);
        var request = act(tx.objectStore("photos"));
        tx.oncomplete = function () { resolve(request.result); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  function keepPhoto(uuid, file) {
    return photoStore("readwrite", function (s) { return s.put(file, uuid); });
  }
  function keptPhoto(uuid) {
    return photoStore("readonly", function (s) { return s.get(uuid); });
  }
  function dropPhoto(uuid) {
    photoStore("readwrite", function (s) { return s.delete(uuid); }).catch(function () {});
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(storeKey)) || []; } catch (e) { return []; }
  }
  function save(queue) {
    try { localStorage.setItem(storeKey, JSON.stringify(queue)); return true; } catch (e) { return false; }
  }

  function say(text, online) {
    status.hidden = !text;
    status.textContent = text;
    status.setAttribute("data-online", online ? "true" : "false");
  }

  function waitingCount() { return load().length; }

  function describe() {
    var n = waitingCount();
    if (!navigator.onLine) {
      say(root.dataset.offlineText.replace("%(n)s", n), false);
    } else if (n) {
      say(root.dataset.sendingText.replace("%(n)s", n), true);
    } else if (!status.hidden) {
      say(root.dataset.sentText, true);
    }
  }

  function showPending(item) {
    if (item.type === "tally" || !pendingList) { return; }
    var li = pendingList.querySelector('[data-uuid="' + item.uuid + '"]');
    if (!li) {
      li = document.createElement("li");
      li.setAttribute("data-uuid", item.uuid);
      var meta = document.createElement("span");
      meta.className = "note-meta";
      var body = document.createElement("span");
      body.textContent = item.type === "note" ? item.fields.text : item.name;
      li.appendChild(meta);
      li.appendChild(body);
      pendingList.appendChild(li);
    }
    li.setAttribute("data-state", item.state || "waiting");
    var when = new Date(item.at).toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});
    var word = item.state === "sent" ? root.dataset.sentWord
      : item.state === "refused" ? root.dataset.refusedWord + " " + (item.error || "")
      : root.dataset.waitingWord;
    li.firstChild.textContent = when + " · " + word;
  }

  // The note as the server stored it, in the notes list: no reload needed.
  var notesList = document.querySelector("[data-notes]");
  function showStored(note) {
    if (!notesList || notesList.querySelector('[data-uuid="' + note.uuid + '"]')) { return; }
    var li = document.createElement("li");
    li.setAttribute("data-uuid", note.uuid);
    var meta = document.createElement("span");
    meta.className = "note-meta";
    var time = document.createElement("time");
    time.setAttribute("datetime", note.noted_at);
    time.textContent = note.time;
    meta.appendChild(time);
    meta.appendChild(document.createTextNode(" · " + note.kind + " · " + note.author));
    li.appendChild(meta);
    li.appendChild(document.createTextNode(" " + note.text + " "));
    if (note.change_url) {
      var link = document.createElement("a");
      link.className = "note-change";
      link.href = note.change_url;
      link.textContent = note.change_label;
      li.appendChild(link);
    }
    // In the order they were noted, as the server lists them.
    var later = Array.prototype.find.call(notesList.children, function (other) {
      var at = other.querySelector("time");
      return at && at.getAttribute("datetime") > note.noted_at;
    });
    notesList.insertBefore(li, later || null);
    notesList.hidden = false;
    var none = document.querySelector("[data-no-notes]");
    if (none) { none.hidden = true; }
  }

  function enqueue(item) {
    var queue = load();
    if (item.type === "tally") {
      // Only the newest count of a tally matters.
      queue = queue.filter(function (q) { return !(q.type === "tally" && q.key === item.key); });
    }
    queue.push(item);
    if (!save(queue) && item.type === "photo") {
      // Too large for localStorage: its bytes are in IndexedDB (or, failing that, in
      // this page until it is sent).
      delete item.data;
      queue[queue.length - 1] = item;
      save(queue);
    }
    showPending(item);
    flush();
  }

  function photoOf(item) {
    if (photos[item.uuid]) { return Promise.resolve(photos[item.uuid]); }
    function fromData() {
      if (!item.data) { return null; }
      var bytes = atob(item.data.split(",")[1]);
      var array = new Uint8Array(bytes.length);
      for (var i = 0; i < bytes.length; i++) { array[i] = bytes.charCodeAt(i); }
      return new Blob([array], {type: item.mime});
    }
    return keptPhoto(item.uuid).then(function (kept) {
      return kept || fromData();
    }, function (error) {
      // IndexedDB did not answer: the copy in localStorage, or try again later.
      if (item.data) { return fromData(); }
      throw error;
    });
  }

  function body(item) {
    var data = new FormData();
    Object.keys(item.fields).forEach(function (k) { data.append(k, item.fields[k]); });
    if (item.type !== "photo") { return Promise.resolve(data); }
    return photoOf(item).then(function (file) {
      if (!file) { return null; }
      data.append("photo", file, item.name);
      return data;
    });
  }

  function forget(uuid) {
    var queue = load();
    var photo = photos[uuid] || queue.some(function (q) { return q.uuid === uuid && q.type === "photo"; });
    save(queue.filter(function (q) { return q.uuid !== uuid; }));
    if (photo) { dropPhoto(uuid); }
    delete photos[uuid];
  }

  function flush() {
    describe();
    if (sending || !navigator.onLine) { return; }
    var queue = load();
    if (!queue.length) { return; }
    var item = queue[0];
    sending = true;
    body(item).then(function (data) {
      if (!data) { return "lost"; }
      return fetch(item.url, {
        method: "POST", body: data, credentials: "same-origin", redirect: "manual",
        headers: {"Accept": "application/json", "X-CSRFToken": csrf}
      });
    }).then(function (response) {
      if (response === "lost") {
        // A photo whose bytes this device no longer has: nothing to send.
        sending = false;
        forget(item.uuid);
        flush();
        return;
      }
      if (response.ok) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          sending = false;
          item.state = "sent";
          forget(item.uuid);
          showPending(item);
          if (answer.note) { showStored(answer.note); }
          flush();
        });
      } else if (response.status === 400 || response.status === 403) {
        // Refused for good: keep the text on screen so nothing typed is lost.
        return response.json().catch(function () { return {}; }).then(function (answer) {
          sending = false;
          item.state = "refused";
          item.error = (answer.errors || []).join(" ");
          forget(item.uuid);
          showPending(item);
          flush();
        });
      } else {
        // Signed out, or the server is down: try again later.
        sending = false;
        describe();
      }
    }).catch(function () {
      sending = false;
      describe();
    });
  }

  // --- notes ----------------------------------------------------------------
  var noteForm = root.querySelector("form[data-note]");
  noteForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = noteForm.elements.text.value.trim();
    if (!text) { noteForm.elements.text.focus(); return; }
    var id = newId();
    enqueue({
      type: "note", uuid: id, url: noteForm.action, at: new Date().toISOString(),
      fields: {uuid: id, text: text, kind: noteForm.elements.kind.value,
               noted_at: new Date().toISOString()}
    });
    noteForm.elements.text.value = "";
    if (hint) { hint.hidden = true; }
    noteForm.elements.text.focus();
  });

  // A gentle hint, as the note is typed, when it reads as a judgement: never a block.
  var hint = noteForm.querySelector("[data-judgement-hint]");
  var wordsScript = document.getElementById("judgement-words");
  if (hint && wordsScript) {
    var words = JSON.parse(wordsScript.textContent).map(function (w) {
      return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    });
    var judging = new RegExp("(^|[^\\p{L}\\p{N}_])(" + words.join("|") + ")(?![\\p{L}\\p{N}_])", "iu");
    noteForm.elements.text.addEventListener("input", function () {
      hint.hidden = !judging.test(noteForm.elements.text.value);
    });
  }

  // --- tallies ----------------------------------------------------------------
  root.querySelectorAll("form[data-tally]").forEach(function (form) {
    var key = form.elements.look_for ? "lf-" + form.elements.look_for.value : "en-" + form.elements.level.value;
    var out = form.querySelector("[data-count-out]");
    var check = form.querySelector(".tally-check");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var step = Number((event.submitter || {}).getAttribute ? event.submitter.getAttribute("data-step") : 1);
      var count = Math.max(0, Number(form.dataset.count) + step);
      var version = Number(form.dataset.version) + 1;
      form.dataset.count = count;
      form.dataset.version = version;
      out.textContent = count;
      if (check) { check.textContent = count ? "✔" : "○"; }
      var fields = {count: count, version: version};
      if (form.elements.look_for) { fields.look_for = form.elements.look_for.value; }
      else { fields.level = form.elements.level.value; }
      enqueue({type: "tally", key: key, uuid: key + "-" + version, url: form.action,
               at: new Date().toISOString(), fields: fields});
    });
  });
  // Counts tapped while offline, before a reload, show again.
  load().forEach(function (item) {
    if (item.type !== "tally") { return; }
    var selector = item.fields.look_for ? 'input[name=look_for][value="' + item.fields.look_for + '"]'
      : 'input[name=level][value="' + item.fields.level + '"]';
    var input = root.querySelector(selector);
    if (!input) { return; }
    var form = input.form;
    form.dataset.count = item.fields.count;
    form.dataset.version = item.fields.version;
    form.querySelector("[data-count-out]").textContent = item.fields.count;
  });

  // --- photos -----------------------------------------------------------------
  var photoForm = root.querySelector("form[data-photo]");
  photoForm.addEventListener("submit", function (event) {
    var file = photoForm.elements.photo.files[0];
    if (!file) { return; }
    event.preventDefault();
    var id = newId();
    var item = {type: "photo", uuid: id, url: photoForm.action, at: new Date().toISOString(),
                name: file.name, mime: file.type, fields: {uuid: id}, file: file};
    var reader = new FileReader();
    photos[id] = file;
    delete item.file;
    keepPhoto(id, file).then(function () {
      // The bytes are in IndexedDB: the queue in localStorage names the photo only.
      enqueue(item);
      photoForm.reset();
    }, function () {
      // No IndexedDB (a private window, an old browser): localStorage, if it fits.
      reader.onload = function () {
        item.data = reader.result;
        enqueue(item);
        photoForm.reset();
      };
      reader.readAsDataURL(file);
    });
  });

  load().forEach(showPending);
  window.addEventListener("online", flush);
  window.addEventListener("offline", describe);
  setInterval(flush, 15000);
  flush();
})();
