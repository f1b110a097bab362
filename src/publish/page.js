// The episode page's behaviour: a chapter or a cue seeks the player, and
// the current chapter and cue follow playback. Times come from the JSON
// data block (seconds, from the sample timeline); the text is the markup.
// window.podgen exposes the state, for tests and the curious.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("podgen-data").textContent);
  var audio = document.getElementById("audio");
  var box = document.getElementById("transcript");
  var chapterRows = document.querySelectorAll("#chapters li");
  var cueRows = document.querySelectorAll("#transcript .cue");
  var shown = { chapter: -1, cue: -1 };
  // After the reader scrolls the transcript, it stops following for a while.
  var followAfter = 0;
  // Times are rounded to the millisecond; the player may report a seek
  // target a hair under it.
  var EPSILON = 0.0005;

  // The last entry whose start is at or before t (-1 before the first).
  function lastStarted(list, t) {
    var lo = 0, hi = list.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (list[mid].start <= t + EPSILON) { lo = mid + 1; } else { hi = mid; }
    }
    return lo - 1;
  }

  function chapterAt(t) {
    return data.chapters.length ? Math.max(0, lastStarted(data.chapters, t)) : -1;
  }

  // The cue being spoken at t, else the next one (so that after a jump to
  // a chapter its first sentence shows), else the last.
  function cueAt(t) {
    var i = lastStarted(data.cues, t);
    if (i >= 0 && t < data.cues[i].end) { return i; }
    return i + 1 < data.cues.length ? i + 1 : i;
  }

  function mark(rows, was, now) {
    if (was >= 0 && rows[was]) {
      rows[was].classList.remove("current");
      rows[was].removeAttribute("aria-current");
    }
    if (now >= 0 && rows[now]) {
      rows[now].classList.add("current");
      rows[now].setAttribute("aria-current", "true");
    }
  }

  // Scroll the transcript box (not the page) so that the row is in view.
  function follow(row) {
    if (!row || Date.now() < followAfter) { return; }
    var top = row.offsetTop, bottom = top + row.offsetHeight;
    if (top < box.scrollTop || bottom > box.scrollTop + box.clientHeight) {
      box.scrollTop = Math.max(0, top - box.clientHeight / 3);
    }
  }

  function update() {
    var t = audio.currentTime;
    var c = chapterAt(t), q = cueAt(t);
    if (c !== shown.chapter) { mark(chapterRows, shown.chapter, c); shown.chapter = c; }
    if (q !== shown.cue) { mark(cueRows, shown.cue, q); shown.cue = q; follow(cueRows[q]); }
  }

  function seek(t) {
    followAfter = 0;
    audio.currentTime = t;
    update();
  }

  document.getElementById("chapters").addEventListener("click", function (e) {
    var b = e.target.closest("button[data-chapter]");
    var c = b && data.chapters[Number(b.getAttribute("data-chapter"))];
    if (c) { seek(c.start); }
  });
  box.addEventListener("click", function (e) {
    var p = e.target.closest(".cue");
    var q = p && data.cues[Number(p.getAttribute("data-cue"))];
    if (q) { seek(q.start); }
  });
  ["wheel", "touchmove", "keydown"].forEach(function (name) {
    box.addEventListener(name, function () { followAfter = Date.now() + 5000; }, { passive: true });
  });
  ["timeupdate", "seeking", "seeked", "loadedmetadata", "ended"].forEach(function (name) {
    audio.addEventListener(name, update);
  });
  // timeupdate comes a few times a second; while playing, follow each frame.
  function tick() {
    update();
    if (!audio.paused) { window.requestAnimationFrame(tick); }
  }
  audio.addEventListener("play", function () { window.requestAnimationFrame(tick); });
  // A turned phone or a resized window moves the rows: find the cue again.
  window.addEventListener("resize", function () { follow(cueRows[shown.cue]); });

  function highlighted(rows) {
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].classList.contains("current")) { return i; }
    }
    return -1;
  }
  window.podgen = {
    chapters: data.chapters,
    cues: data.cues,
    audio: audio,
    currentChapter: function () { return chapterAt(audio.currentTime); },
    currentCue: function () { return cueAt(audio.currentTime); },
    highlightedChapter: function () { return highlighted(chapterRows); },
    highlightedCue: function () { return highlighted(cueRows); },
    seekToChapter: function (i) { if (data.chapters[i]) { seek(data.chapters[i].start); } }
  };
  update();
}());
