// Kanal web UI: library, player, live TV, stats and settings over Kanal's own JSON API.
// No framework and no build step. Every text that comes from a playlist, a guide or a file name
// goes into the page as a text node or an attribute value, never as HTML.
'use strict';
(() => {
  const app = document.getElementById('app');
  const deviceId = localStorage.getItem('kanal.device') || (() => {
    const id = 'web-' + Math.random().toString(36).slice(2, 10);
    localStorage.setItem('kanal.device', id);
    return id;
  })();
  /** Functions to run when the current page is left (timers, players, sessions). */
  let leaving = [];

  // ---- small helpers

  /** el('div', {class: 'x', onclick: f}, 'text', child...): text arguments become text nodes. */
  function el(tag, attrs, ...children) {
    const node = document.createElementNS(tag === 'svg' || attrs?.svg ? 'http://www.w3.org/2000/svg' : 'http://www.w3.org/1999/xhtml', tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'svg' || v === null || v === undefined || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
      else if (k === 'style') node.style.cssText = v; // through CSSOM: the page's CSP allows no inline style attributes
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }
  const svg = (tag, attrs, ...children) => el(tag, { ...attrs, svg: true }, ...children);

  async function api(path, options) {
    const r = await fetch(path, options);
    if (r.status === 401 && path !== '/api/login') showLogin();
    if (r.status === 204) return null;
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw Object.assign(new Error(body.error || ('HTTP ' + r.status)), { status: r.status });
    return body;
  }
  const post = (path, body) => api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? '' : JSON.stringify(body) });

  function clock(seconds) {
    if (!Number.isFinite(seconds) || seconds < 0) return '–';
    const s = Math.floor(seconds % 60), m = Math.floor(seconds / 60) % 60, h = Math.floor(seconds / 3600);
    return (h ? h + ':' + String(m).padStart(2, '0') : m) + ':' + String(s).padStart(2, '0');
  }
  function bytes(n) {
    if (!Number.isFinite(n)) return '–';
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let i = 0;
    while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
    return n.toFixed(i ? 1 : 0) + ' ' + units[i];
  }
  /** Only http(s) URLs are used for images from playlists. */
  const safeUrl = (u) => (typeof u === 'string' && /^https?:\/\//i.test(u)) ? u : null;
  const debounce = (f, ms) => { let t; return (...a) => { clearTimeout(t); t = setTimeout(() => f(...a), ms); }; };

  function message(text, cls) {
    return el('p', { class: cls || 'empty' }, text);
  }

  // ---- routing: #/library, #/video/{id}, #/live, #/live/{id}, #/stats, #/settings

  const pages = { library: libraryPage, video: videoPage, live: livePage, stats: statsPage, settings: settingsPage };

  function route() {
    leaving.forEach((f) => { try { f(); } catch (e) { /* a page's clean-up must not stop the next page */ } });
    leaving = [];
    const [name, ...rest] = (location.hash.replace(/^#\/?/, '') || 'library').split('/');
    const page = pages[name] ? name : 'library';
    document.querySelectorAll('[data-nav]').forEach((a) => {
      const current = a.dataset.nav === page || (page === 'video' && a.dataset.nav === 'library');
      if (current) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    });
    app.replaceChildren();
    Promise.resolve(pages[page](rest.map(decodeURIComponent))).catch((e) => app.append(message(e.message, 'error')));
  }
  window.addEventListener('hashchange', route);

  // ---- access control: a login form when the API answers 401, the user and a logout control in the header

  let me = null;
  function showLogin() {
    if (document.getElementById('login-form')) return;
    leaving.forEach((f) => { try { f(); } catch (e) { /* nothing to clean */ } });
    leaving = [];
    const user = el('input', { type: 'text', name: 'user', autocomplete: 'username', required: true, 'aria-label': 'User name',
      placeholder: 'User name', 'data-testid': 'login-user' });
    const password = el('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true,
      'aria-label': 'Password', placeholder: 'Password', 'data-testid': 'login-password' });
    const note = el('p', { class: 'error', role: 'alert', 'data-testid': 'login-error' });
    const form = el('form', { id: 'login-form', class: 'login', onsubmit: async (e) => {
      e.preventDefault();
      note.textContent = '';
      try {
        await api('/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ user: user.value.trim(), password: password.value }) });
        location.reload();
      } catch (err) { note.textContent = err.message; password.value = ''; password.focus(); }
    } }, el('h1', {}, 'Log in to Kanal'), user, password,
      el('button', { type: 'submit', class: 'primary', 'data-testid': 'login-submit' }, 'Log in'), note,
      el('p', { class: 'muted' }, 'No account yet? An admin makes one with: kanal user add NAME'));
    app.replaceChildren(form);
    user.focus();
  }

  const meReady = api('/api/me').then((m) => {
    me = m;
    if (!m.auth) return;
    document.getElementById('user').replaceChildren(el('span', { 'data-testid': 'user-name' }, m.user + (m.role === 'admin' ? ' (admin)' : '')),
      el('button', { type: 'button', 'data-testid': 'logout', onclick: async () => {
        await fetch('/api/logout', { method: 'POST' }).catch(() => {});
        location.reload();
      } }, 'Log out'));
  }).catch(() => { /* 404: a server without access control; 401: the login form is shown */ });

  api('/api/health').then((h) => { document.getElementById('status').textContent = 'server ' + h.status + ' · ' + h.version; })
    .catch(() => { document.getElementById('status').textContent = 'server not reachable'; });

  // ---- library

  async function libraryPage() {
    const state = JSON.parse(sessionStorage.getItem('kanal.library') || '{}');
    const search = el('input', { type: 'search', placeholder: 'Search videos', 'aria-label': 'Search videos',
      value: state.q || '', 'data-testid': 'video-search' });
    const sort = el('select', { 'aria-label': 'Sort by' },
      [['title', 'Title'], ['added', 'Recently added'], ['duration', 'Duration'], ['size', 'Size']]
        .map(([value, label]) => el('option', { value }, label)));
    sort.value = state.sort || 'title';
    const chips = el('div', { class: 'chips', role: 'group', 'aria-label': 'Collections' });
    const grid = el('div', { class: 'grid', 'aria-live': 'polite' });
    app.append(el('h1', {}, 'Library'), el('div', { class: 'toolbar' }, search, sort), chips, grid);

    const progress = new Map();
    await api('/api/progress?limit=100').then((p) => p.items.forEach((i) => progress.set(i.videoId, i))).catch(() => {});

    async function load() {
      state.q = search.value; state.sort = sort.value;
      sessionStorage.setItem('kanal.library', JSON.stringify(state));
      const params = new URLSearchParams({ limit: '500', sort: sort.value });
      if (search.value.trim()) params.set('q', search.value.trim().slice(0, 200));
      const page = await api('/api/videos?' + params);
      const collections = [...new Set(page.items.map((v) => v.collection || ''))].sort();
      chips.replaceChildren();
      if (collections.length > 1) {
        for (const c of ['*', ...collections]) {
          chips.append(el('button', { type: 'button', 'aria-pressed': (state.collection || '*') === c,
            onclick: () => { state.collection = c; load(); } }, c === '*' ? 'All' : (c || 'Top folder')));
        }
      }
      const items = page.items.filter((v) => !state.collection || state.collection === '*' || (v.collection || '') === state.collection);
      grid.replaceChildren(...items.map((v) => videoCard(v, progress.get(v.id))));
      if (!items.length) grid.append(message(search.value ? 'No video matches.' : 'No videos yet: add a folder with --media DIR.'));
    }
    search.addEventListener('input', debounce(load, 250));
    sort.addEventListener('change', load);
    await load();
  }

  function videoCard(v, progress) {
    const isNew = !progress && v.addedAt && (Date.now() - Date.parse(v.addedAt)) < 7 * 86400e3;
    const poster = el('div', { class: 'poster' },
      v.posterUrl ? el('img', { src: v.posterUrl, alt: '', loading: 'lazy', onerror: (e) => e.target.remove() }) : v.status);
    const seen = progress && progress.duration > 0 ? Math.min(100, 100 * progress.position / progress.duration) : 0;
    return el('a', { class: 'card', href: '#/video/' + encodeURIComponent(v.id), 'data-testid': 'video-card' },
      isNew ? el('span', { class: 'badge new' }, 'NEW') : null,
      poster,
      el('div', { class: 'resume', 'aria-hidden': 'true' }, el('div', { style: 'width:' + seen.toFixed(1) + '%' })),
      el('div', { class: 'meta' },
        el('div', { class: 'title' }, v.title || v.fileName),
        el('div', { class: 'sub' }, [clock(v.duration), v.height ? v.height + 'p' : null, v.status !== 'ok' ? v.status : null]
          .filter(Boolean).join(' · '))));
  }

  // ---- video page and player

  async function videoPage([id]) {
    const v = await api('/api/videos/' + encodeURIComponent(id));
    const pb = v.playback || {};
    const hlsUrl = pb.hls && pb.hls.url;
    const file = pb.file;
    const mode = (pb.decision && pb.decision.mode) || (file && file.browserPlayable ? 'direct' : (hlsUrl ? 'hls' : 'none'));
    const useHls = hlsUrl && mode !== 'direct';
    const facts = el('dl', { class: 'facts' });
    const fact = (k, value) => { if (value !== null && value !== undefined && value !== '') facts.append(el('dt', {}, k), el('dd', {}, value)); };
    fact('Duration', clock(v.duration));
    fact('Resolution', v.width && v.height ? v.width + '×' + v.height : null);
    fact('Video', [v.videoCodec, v.frameRate ? v.frameRate + ' fps' : null, v.hdr].filter(Boolean).join(' · '));
    fact('Audio', [v.audioCodec, v.audioChannels ? v.audioChannels + ' ch' : null].filter(Boolean).join(' · '));
    fact('Size', bytes(v.size));
    fact('Container', v.container);
    fact('Playback', mode + (pb.decision && pb.decision.reason ? ' — ' + pb.decision.reason : ''));
    fact('Folder', v.collection || null);
    const side = el('aside', {}, facts);
    const packaging = el('div', { class: 'toolbar' });
    side.append(packaging);
    showPackaging(v.id, packaging);

    const stage = el('div', {});
    app.append(el('h1', {}, v.title || v.fileName), el('div', { class: 'player-layout' }, stage, side));
    if (v.status !== 'ok' || (!useHls && !(file && file.browserPlayable))) {
      stage.append(message(v.status !== 'ok' ? 'This video cannot be played: ' + (v.reason || v.status)
        : 'This browser cannot play the file as it is, and HLS is not available for it.', 'error'));
      return;
    }
    const player = createPlayer(stage, { kind: 'video', id: v.id, src: useHls ? hlsUrl : file.url, hls: useHls,
      thumbnails: v.thumbnails && v.thumbnails.vtt, duration: v.duration });
    // Text subtitles of the file, as WebVTT made by the server (picture subtitles cannot be shown).
    (v.streams || []).filter((st) => st.type === 'subtitle' && TEXT_SUBTITLES.includes(st.codec)).forEach((st, i) => {
      player.video.append(el('track', { kind: 'subtitles', src: '/api/videos/' + encodeURIComponent(v.id) + '/subtitles/' + st.index + '.vtt',
        srclang: st.language || null, label: st.title || st.language || 'Subtitles ' + (i + 1), 'data-testid': 'subtitle-track' }));
    });
    // Resume: ask before playing when this user stopped somewhere in the middle.
    let saved = null;
    try { saved = await api('/api/progress/' + encodeURIComponent(v.id)); } catch (e) { /* 404: never played */ }
    if (saved && saved.position > 5 && !saved.finished) {
      const prompt = el('div', { class: 'prompt', 'data-testid': 'resume-prompt', role: 'dialog', 'aria-label': 'Resume' },
        el('p', {}, 'Continue from ' + clock(saved.position) + '?'),
        el('button', { type: 'button', class: 'primary', onclick: () => { prompt.remove(); player.start(saved.position); } }, 'Continue'),
        el('button', { type: 'button', onclick: () => { prompt.remove(); player.start(0); } }, 'Start over'));
      player.box.append(prompt);
      prompt.querySelector('button').focus();
    } else {
      player.start(0);
    }
    trackProgress(player.video, v.id);
  }

  /** Subtitle codecs the server turns into WebVTT (library.Thumbnails.TEXT_SUBTITLES). */
  const TEXT_SUBTITLES = ['subrip', 'srt', 'ass', 'ssa', 'mov_text', 'webvtt', 'text'];

  async function showPackaging(id, box) {
    let status;
    try { status = await api('/api/videos/' + encodeURIComponent(id) + '/package'); } catch (e) { return; }
    const label = el('span', { class: 'muted', 'data-testid': 'package-status' },
      'Packaging: ' + status.state + (status.state === 'running' ? ' ' + Math.round(status.progress) + '%' : ''));
    const button = el('button', { type: 'button', disabled: ['queued', 'running', 'published'].includes(status.state),
      onclick: async () => { button.disabled = true; await post('/api/videos/' + encodeURIComponent(id) + '/package').catch(() => {}); showPackaging(id, box); } },
      'Package (ABR ladder)');
    box.replaceChildren(label, button);
    if (['queued', 'running'].includes(status.state)) {
      const t = setTimeout(() => showPackaging(id, box), 3000);
      leaving.push(() => clearTimeout(t));
    }
  }

  /** Saves the position every 10 s while playing, on pause, and when the page goes away. */
  function trackProgress(video, id) {
    const url = '/api/progress/' + encodeURIComponent(id);
    const body = () => JSON.stringify({ position: video.currentTime, duration: video.duration || 0, deviceId, updatedAt: Date.now() });
    const save = () => {
      if (video.currentTime > 0 && Number.isFinite(video.duration)) {
        fetch(url, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: body() }).catch(() => {});
      }
    };
    const beacon = () => {
      if (video.currentTime > 0 && Number.isFinite(video.duration)) {
        navigator.sendBeacon(url, new Blob([body()], { type: 'application/json' }));
      }
    };
    const timer = setInterval(() => { if (!video.paused) save(); }, 10000);
    video.addEventListener('pause', save);
    window.addEventListener('pagehide', beacon);
    leaving.push(() => { clearInterval(timer); beacon(); window.removeEventListener('pagehide', beacon); });
  }

  /**
   * A video element with hls.js (or native HLS, or a plain file), a quality menu, a seek bar with
   * thumbnail previews, keyboard shortcuts and QoE reporting. start(t) begins playback at t seconds.
   */
  function createPlayer(stage, { kind, id, src, hls: isHls, thumbnails, duration }) {
    const video = el('video', { 'data-testid': 'player', controls: true, playsinline: true, preload: 'metadata',
      'aria-label': kind === 'video' ? 'Video player' : 'Channel player' });
    const box = el('div', { class: 'player' }, video);
    const quality = el('select', { 'data-testid': 'quality-menu', 'aria-label': 'Quality' }, el('option', { value: '-1' }, 'Auto'));
    const seek = el('input', { type: 'range', min: 0, max: 1000, value: 0, step: 1, 'aria-label': 'Seek', 'data-testid': 'seek-bar' });
    const preview = el('div', { class: 'preview', 'aria-hidden': 'true' }, el('span', {}));
    const time = el('span', { class: 'muted' }, '0:00');
    stage.append(box, el('div', { class: 'controls' },
      kind === 'video' ? el('div', { class: 'seek' }, seek, preview) : null, time, quality));
    const qoe = new Qoe(kind, id);
    let hls = null;
    const player = { video, box, hls: null, qoe };
    window.kanalPlayer = player; // for tests and the console

    if (isHls && window.Hls && Hls.isSupported()) {
      hls = new Hls({ capLevelToPlayerSize: false, startLevel: -1 });
      player.hls = hls;
      hls.on(Hls.Events.MANIFEST_PARSED, (_, data) => {
        quality.replaceChildren(el('option', { value: '-1' }, 'Auto'));
        data.levels.map((l, i) => ({ l, i })).sort((a, b) => (b.l.height - a.l.height) || (b.l.bitrate - a.l.bitrate))
          .forEach(({ l, i }) => quality.append(el('option', { value: String(i) },
            (l.height ? l.height + 'p' : 'Level ' + (i + 1)) + ' · ' + Math.round(l.bitrate / 1000) + ' kb/s')));
      });
      hls.on(Hls.Events.LEVEL_SWITCHED, (_, data) => {
        const l = hls.levels[data.level];
        quality.options[0].textContent = 'Auto' + (l && l.height ? ' (' + l.height + 'p)' : '');
        qoe.event('level_switch', { bitrate: l ? l.bitrate : undefined });
      });
      hls.on(Hls.Events.ERROR, (_, data) => {
        if (data.details === Hls.ErrorDetails.BUFFER_STALLED_ERROR) qoe.stallStart(video);
        if (data.fatal) {
          qoe.event('error', { detail: data.type + '/' + data.details });
          if (data.type === Hls.ErrorTypes.NETWORK_ERROR) hls.startLoad(); else if (data.type === Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
        }
      });
      quality.addEventListener('change', () => { hls.currentLevel = Number(quality.value); });
      hls.attachMedia(video);
    } else {
      quality.replaceChildren(el('option', { value: '-1' }, isHls ? 'Auto (native)' : 'Original'));
      quality.disabled = true;
    }
    video.addEventListener('playing', () => qoe.playing(video, hls));
    video.addEventListener('waiting', () => qoe.stallStart(video));
    video.addEventListener('seeking', () => qoe.event('seek', { position: video.currentTime }));
    video.addEventListener('error', () => qoe.event('error', { detail: 'media/' + (video.error ? video.error.code : '?') }));
    video.addEventListener('ended', () => qoe.end());
    video.addEventListener('timeupdate', () => {
      time.textContent = clock(video.currentTime) + (Number.isFinite(video.duration) ? ' / ' + clock(video.duration) : '');
      if (Number.isFinite(video.duration) && document.activeElement !== seek) seek.value = String(Math.round(1000 * video.currentTime / video.duration));
    });
    seek.addEventListener('input', () => {
      if (Number.isFinite(video.duration)) video.currentTime = Number(seek.value) / 1000 * video.duration;
    });
    if (thumbnails) seekPreview(seek, preview, thumbnails, () => video.duration || duration);

    const keys = (e) => {
      if (e.target.closest && e.target.closest('input, select, textarea, button')) return;
      const k = e.key;
      if (k === ' ' || k === 'k') { video.paused ? video.play() : video.pause(); }
      else if (k === 'ArrowLeft') video.currentTime = Math.max(0, video.currentTime - 10);
      else if (k === 'ArrowRight') video.currentTime = video.currentTime + 10;
      else if (k === 'ArrowUp' && kind === 'video') video.volume = Math.min(1, video.volume + 0.1);
      else if (k === 'ArrowDown' && kind === 'video') video.volume = Math.max(0, video.volume - 0.1);
      else if (k === 'f') { document.fullscreenElement ? document.exitFullscreen() : box.requestFullscreen().catch(() => {}); }
      else if (k === 'm') video.muted = !video.muted;
      else return;
      e.preventDefault();
    };
    document.addEventListener('keydown', keys);

    player.start = (at) => {
      qoe.begin();
      const go = () => { if (at > 0) video.currentTime = at; video.play().catch(() => { video.muted = true; video.play().catch(() => {}); }); };
      if (hls) {
        hls.loadSource(src);
        hls.once(Hls.Events.MANIFEST_PARSED, () => { if (at > 0) hls.startLoad(at); go(); });
      } else {
        video.src = src;
        if (at > 0) video.addEventListener('loadedmetadata', () => { video.currentTime = at; }, { once: true });
        go();
      }
    };
    leaving.push(() => {
      document.removeEventListener('keydown', keys);
      qoe.end();
      if (hls) hls.destroy();
      video.removeAttribute('src');
      video.load();
      if (window.kanalPlayer === player) window.kanalPlayer = null;
    });
    return player;
  }

  /** Thumbnail previews over the seek bar from the WebVTT sprite map. */
  async function seekPreview(seek, preview, vttUrl, duration) {
    let cues = [];
    try {
      const text = await (await fetch(vttUrl)).text();
      const base = new URL(vttUrl, location.href);
      const toSec = (t) => t.split(':').reduce((acc, p) => acc * 60 + parseFloat(p), 0);
      for (const block of text.split(/\r?\n\r?\n/)) {
        const m = /([\d:.]+)\s+-->\s+([\d:.]+)\s*\n(\S+)#xywh=(\d+),(\d+),(\d+),(\d+)/.exec(block);
        if (m) cues.push({ start: toSec(m[1]), end: toSec(m[2]), url: new URL(m[3], base).href, x: +m[4], y: +m[5], w: +m[6], h: +m[7] });
      }
    } catch (e) { return; }
    if (!cues.length) return;
    seek.addEventListener('mousemove', (e) => {
      const r = seek.getBoundingClientRect();
      const t = Math.max(0, Math.min(1, (e.clientX - r.left) / r.width)) * duration();
      const c = cues.find((q) => t >= q.start && t < q.end) || cues[cues.length - 1];
      preview.style.display = 'block';
      preview.style.width = c.w + 'px';
      preview.style.height = c.h + 'px';
      preview.style.left = Math.max(0, Math.min(r.width - c.w, e.clientX - r.left - c.w / 2)) + 'px';
      preview.style.backgroundImage = 'url("' + c.url.replace(/"/g, '%22') + '")';
      preview.style.backgroundPosition = -c.x + 'px ' + -c.y + 'px';
      preview.firstChild.textContent = clock(t);
    });
    seek.addEventListener('mouseleave', () => { preview.style.display = 'none'; });
  }

  /**
   * QoE for one playback: a session with heartbeats, and events (startup, stalls, switches, seeks,
   * errors) sent in batches; never in the way of playback (failures are dropped).
   */
  class Qoe {
    constructor(kind, id) {
      this.kind = kind; this.id = id; this.events = []; this.session = null; this.started = false;
      this.stalled = false; this.ended = false; this.hls = null;
    }
    begin() {
      if (this.requested) return;
      this.requested = true;
      const body = { deviceId, at: Date.now() };
      body[this.kind === 'video' ? 'videoId' : 'channelId'] = this.id;
      post('/api/sessions', body).then((s) => {
        this.session = s;
        if (this.ended) { this.flush(false).then(() => this.close()); return; }
        this.heartbeat = setInterval(() => post('/api/sessions/' + s.sessionId + '/heartbeat',
          { position: this.video ? this.video.currentTime : undefined }).catch(() => {}), Math.max(5, s.heartbeatInterval || 30) * 1000);
        this.flush();
      }).catch(() => {});
      this.timer = setInterval(() => this.flush(), 5000);
    }
    event(type, extra) {
      if (this.ended) return;
      const e = { type, at: Date.now(), ...extra };
      if (this.video) e.position = this.video.currentTime;
      if (this.hls && Number.isFinite(this.hls.bandwidthEstimate)) e.bandwidthEstimate = Math.round(this.hls.bandwidthEstimate);
      this.events.push(e);
      if (this.events.length >= 20) this.flush();
    }
    playing(video, hls) {
      this.video = video; this.hls = hls;
      if (!this.started) { this.started = true; this.event('startup'); }
      if (this.stalled) { this.stalled = false; this.event('stall_end'); }
    }
    stallStart(video) {
      if (this.started && !this.stalled && !video.seeking && !video.paused) { this.stalled = true; this.event('stall_start'); }
    }
    /** Sends the queued events; resolves when the server has them (a beacon: at once). */
    flush(beacon) {
      if (!this.session || !this.events.length) return Promise.resolve();
      const events = this.events.splice(0).map((e) => ({ sessionId: this.session.sessionId, ...e }));
      const body = JSON.stringify({ events });
      if (beacon && navigator.sendBeacon) {
        navigator.sendBeacon('/api/qoe', new Blob([body], { type: 'application/json' }));
        return Promise.resolve();
      }
      return fetch('/api/qoe', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body, keepalive: true })
        .catch(() => {});
    }
    /**
     * Ends the playback: the last events, then the session. The session is deleted only after the
     * server has the events (a deleted session makes a later batch unknown); when the page itself goes
     * away, the events go by beacon and the session simply expires.
     */
    end(unloading) {
      if (this.ended) return;
      if (this.started) this.event('ended');
      this.ended = true;
      clearInterval(this.timer);
      if (unloading) {
        this.flush(true);
        clearInterval(this.heartbeat);
      } else {
        this.flush(false).then(() => this.close());
      }
    }
    close() {
      clearInterval(this.heartbeat);
      if (this.session) fetch('/api/sessions/' + this.session.sessionId, { method: 'DELETE', keepalive: true }).catch(() => {});
    }
  }
  window.addEventListener('pagehide', () => { if (window.kanalPlayer) window.kanalPlayer.qoe.end(true); });

  // ---- live TV

  const favourites = () => new Set(JSON.parse(localStorage.getItem('kanal.favourites') || '[]'));
  function toggleFavourite(id) {
    const f = favourites();
    if (f.has(id)) f.delete(id); else f.add(id);
    localStorage.setItem('kanal.favourites', JSON.stringify([...f]));
    return f.has(id);
  }
  /** The order channel up/down follows: the last list shown. */
  let channelOrder = JSON.parse(sessionStorage.getItem('kanal.channelOrder') || '[]');

  async function livePage([id]) {
    if (id) return channelPage(id);
    const search = el('input', { type: 'search', placeholder: 'Search channels (any script, typos welcome)',
      'aria-label': 'Search channels', 'data-testid': 'channel-search', value: sessionStorage.getItem('kanal.channelQuery') || '' });
    const list = el('div', { 'aria-live': 'polite' });
    app.append(el('h1', {}, 'Live TV'), el('div', { class: 'toolbar' }, search,
      el('a', { class: 'button', href: '/iptv/playlist.m3u' }, 'M3U for players'),
      el('a', { class: 'button', href: '/iptv/epg.xml' }, 'XMLTV guide')), list);

    async function load() {
      const q = search.value.trim();
      sessionStorage.setItem('kanal.channelQuery', q);
      const params = new URLSearchParams({ limit: '500' });
      if (q) params.set('q', q.slice(0, 200));
      const page = await api('/api/channels?' + params);
      channelOrder = page.items.map((c) => c.id);
      sessionStorage.setItem('kanal.channelOrder', JSON.stringify(channelOrder));
      list.replaceChildren();
      if (!page.items.length) {
        list.append(message(q ? 'No channel matches “' + q + '”.' : 'No channels yet: add a playlist with --playlist URL (the catalog refreshes in the background).'));
        return;
      }
      const fav = favourites();
      const sections = new Map();
      if (!q && fav.size) sections.set('★ Favourites', page.items.filter((c) => fav.has(c.id)));
      if (q) sections.set('Results', page.items);
      else for (const c of page.items) {
        const g = c.group || 'Other';
        if (!sections.has(g)) sections.set(g, []);
        sections.get(g).push(c);
      }
      for (const [name, channels] of sections) {
        if (!channels.length) continue;
        list.append(el('h2', {}, name + ' (' + channels.length + ')'),
          el('ul', { class: 'channels' }, channels.map((c) => el('li', {}, channelRow(c)))));
      }
    }
    search.addEventListener('input', debounce(() => load().catch((e) => list.replaceChildren(message(e.message, 'error'))), 250));
    await load();
  }

  function channelRow(c) {
    const logo = safeUrl(c.logo);
    const fav = el('button', { type: 'button', class: 'fav', 'aria-pressed': favourites().has(c.id),
      'aria-label': 'Favourite ' + c.name, title: 'Favourite' }, '★');
    fav.addEventListener('click', (e) => { e.preventDefault(); e.stopPropagation(); fav.setAttribute('aria-pressed', toggleFavourite(c.id)); });
    const epg = [c.now ? 'Now: ' + c.now.title : null, c.next ? 'Next: ' + c.next.title : null].filter(Boolean).join(' · ');
    return el('a', { class: 'channel', href: '#/live/' + encodeURIComponent(c.id), 'data-testid': 'channel-row' },
      el('span', { class: 'num' }, c.number || ''),
      logo ? el('img', { src: logo, alt: '', loading: 'lazy', referrerpolicy: 'no-referrer', onerror: (e) => e.target.replaceWith(el('span', { class: 'nologo' })) })
        : el('span', { class: 'nologo' }),
      el('span', {}, el('span', { class: 'name' }, c.name), ' ', el('span', { class: 'badge ' + (c.status || 'unknown'), title: 'health' }, c.status || 'unknown'),
        el('div', { class: 'epg' }, epg)),
      fav);
  }

  async function channelPage(id) {
    const c = await api('/api/channels/' + encodeURIComponent(id));
    const pos = channelOrder.indexOf(c.id);
    const go = (delta) => {
      if (!channelOrder.length) return;
      const next = channelOrder[(Math.max(0, pos) + delta + channelOrder.length) % channelOrder.length];
      location.hash = '#/live/' + encodeURIComponent(next);
    };
    const stage = el('div', {});
    const facts = el('dl', { class: 'facts' });
    const fact = (k, value) => { if (value) facts.append(el('dt', {}, k), el('dd', {}, value)); };
    fact('Number', c.number);
    fact('Group', c.group);
    fact('Health', c.status);
    fact('Now', c.now ? c.now.title : null);
    fact('Next', c.next ? c.next.title : null);
    fact('Country', c.country);
    app.append(el('h1', {}, (c.number ? c.number + ' · ' : '') + c.name),
      el('div', { class: 'player-layout' }, stage, el('aside', {}, facts, el('div', { class: 'toolbar' },
        el('button', { type: 'button', onclick: () => go(-1), 'data-testid': 'channel-up', 'aria-label': 'Previous channel' }, '▲ Channel up'),
        el('button', { type: 'button', onclick: () => go(1), 'data-testid': 'channel-down', 'aria-label': 'Next channel' }, '▼ Channel down'),
        el('a', { class: 'button', href: '#/live' }, 'All channels')))));
    const player = createPlayer(stage, { kind: 'channel', id: c.id, src: c.playlistUrl, hls: true });
    const keys = (e) => {
      if (e.key === 'PageUp') { go(-1); e.preventDefault(); } else if (e.key === 'PageDown') { go(1); e.preventDefault(); }
    };
    document.addEventListener('keydown', keys);
    leaving.push(() => document.removeEventListener('keydown', keys));
    player.start(0);
  }

  // ---- stats

  /** Active sessions sampled while the stats page is open, kept for the tab's life. */
  const activeHistory = JSON.parse(sessionStorage.getItem('kanal.activeHistory') || '[]');

  async function statsPage() {
    const charts = el('div', { class: 'charts' });
    app.append(el('h1', {}, 'Stats'), charts);
    async function draw() {
      const [active, s5, s1h, s24h, channels, metrics] = await Promise.all([
        api('/api/sessions/active?limit=0').catch(() => null),
        api('/api/qoe/summary?window=5m').catch(() => null),
        api('/api/qoe/summary?window=1h').catch(() => null),
        api('/api/qoe/summary?window=24h').catch(() => null),
        api('/api/channels?limit=500').catch(() => null),
        fetch('/metrics').then((r) => r.text()).catch(() => ''),
      ]);
      if (active) {
        activeHistory.push({ t: Date.now(), n: active.total });
        while (activeHistory.length > 360) activeHistory.shift();
        sessionStorage.setItem('kanal.activeHistory', JSON.stringify(activeHistory));
      }
      const windows = [['5 min', s5], ['1 h', s1h], ['24 h', s24h]].filter(([, s]) => s);
      charts.replaceChildren(
        chart('Active sessions', active ? el('div', { class: 'big' }, String(active.total)) : null,
          active ? el('div', { class: 'muted' }, Object.entries(active.byKind || {}).map(([k, n]) => k + ': ' + n).join(' · ')) : null,
          lineChart(activeHistory.map((p) => p.n), 'sessions')),
        chart('Startup time (s)', barChart(windows.flatMap(([w, s]) => [[w + ' p50', s.startupP50], [w + ' p95', s.startupP95]]), (v) => v.toFixed(2))),
        chart('Stall ratio', barChart(windows.map(([w, s]) => [w, s.stallRatio]), (v) => (100 * v).toFixed(1) + '%'),
          s1h ? el('div', { class: 'muted' }, s1h.sessions + ' sessions in the last hour · ' + s1h.stalls + ' stalls · ' + s1h.levelSwitches + ' level switches') : null),
        chart('Segment download time by upstream host (mean, s)', barChart(segmentLatency(metrics), (v) => v.toFixed(3))),
        chart('Channel health', healthChart(channels ? channels.items : [])));
    }
    await draw();
    const timer = setInterval(() => draw().catch(() => {}), 5000);
    leaving.push(() => clearInterval(timer));
  }

  function chart(title, ...content) {
    return el('section', { class: 'chart' }, el('h2', {}, title), ...content);
  }

  /** [[label, value]...] as horizontal bars; null values show as "no data". */
  function barChart(rows, format) {
    const data = rows.filter(([, v]) => Number.isFinite(v));
    if (!data.length) return message('No data yet.');
    const max = Math.max(...data.map(([, v]) => v), 1e-9);
    const rowH = 22, labelW = 120, width = 360;
    return svg('svg', { viewBox: '0 0 ' + width + ' ' + (data.length * rowH + 4), 'data-testid': 'stats-chart', role: 'img',
      'aria-label': data.map(([l, v]) => l + ' ' + format(v)).join(', ') },
      data.map(([label, v], i) => [
        svg('text', { x: 0, y: i * rowH + 15 }, String(label).slice(0, 22)),
        svg('rect', { class: 'bar', x: labelW, y: i * rowH + 4, height: rowH - 8, width: Math.max(1, (width - labelW - 60) * v / max), rx: 3, fill: 'var(--accent)' }),
        svg('text', { x: labelW + Math.max(1, (width - labelW - 60) * v / max) + 4, y: i * rowH + 15 }, format(v))]));
  }

  function lineChart(values, label) {
    if (values.length < 1) return message('No data yet.');
    const w = 360, h = 100, max = Math.max(1, ...values);
    const pts = values.map((v, i) => [values.length === 1 ? w : (i * w) / (values.length - 1), h - 4 - (h - 12) * v / max]);
    return svg('svg', { viewBox: '0 0 ' + w + ' ' + h, 'data-testid': 'stats-chart', role: 'img', 'aria-label': label + ' over time, now ' + values[values.length - 1] },
      svg('path', { class: 'line', d: 'M' + pts.map((p) => p.map((n) => n.toFixed(1)).join(',')).join(' L'), fill: 'none', stroke: 'var(--accent)', 'stroke-width': 2 }),
      pts.map(([x, y]) => svg('circle', { cx: x, cy: y, r: 2.5, fill: 'var(--accent)' })),
      svg('text', { x: 2, y: 12 }, 'max ' + max));
  }

  function healthChart(channels) {
    const counts = {};
    for (const c of channels) counts[c.status || 'unknown'] = (counts[c.status || 'unknown'] || 0) + 1;
    return barChart(Object.entries(counts).sort((a, b) => b[1] - a[1]), (v) => String(v));
  }

  /** Mean segment download time per host from the Prometheus histogram's _sum and _count. */
  function segmentLatency(text) {
    const sums = {}, counts = {};
    for (const line of text.split('\n')) {
      const m = /^kanal_segment_download_seconds_(sum|count)\{[^}]*host="([^"]*)"[^}]*\}\s+([0-9.eE+-]+)/.exec(line);
      if (m) (m[1] === 'sum' ? sums : counts)[m[2]] = ((m[1] === 'sum' ? sums : counts)[m[2]] || 0) + parseFloat(m[3]);
    }
    return Object.keys(counts).filter((h) => counts[h] > 0).map((h) => [h, sums[h] / counts[h]]);
  }

  // ---- settings

  async function settingsPage() {
    const lib = await api('/api/library').catch(() => null);
    const note = el('p', { class: 'muted', role: 'status', 'data-testid': 'settings-note' });
    const act = (label, path, done, testid) => el('button', { type: 'button', 'data-testid': testid, onclick: async () => {
      try { await post(path); note.textContent = done; } catch (e) { note.textContent = e.message; }
    } }, label);
    const sources = el('table', { class: 'plain', 'data-testid': 'source-list' });
    const url = el('input', { type: 'search', placeholder: 'https://example.org/playlist.m3u or iptv-org:countries/fr',
      'aria-label': 'Playlist URL', 'data-testid': 'source-url' });
    const add = el('form', { class: 'toolbar', onsubmit: async (e) => {
      e.preventDefault();
      try {
        await post('/api/sources', { url: url.value.trim() });
        url.value = '';
        note.textContent = 'Added: the channels appear when the refresh is done.';
        showSources();
      } catch (err) { note.textContent = err.message; }
    } }, url, el('button', { type: 'submit', class: 'primary', 'data-testid': 'source-add' }, 'Add source'));
    async function showSources() {
      const list = await api('/api/sources').catch(() => null);
      sources.replaceChildren(el('tr', {}, el('th', {}, 'Playlist'), el('th', {}, 'Priority'), el('th', {}, 'From'), el('th', {}, '')));
      for (const src of (list ? list.items : [])) {
        sources.append(el('tr', { 'data-testid': 'source-row' }, el('td', {}, src.url), el('td', {}, String(src.priority)),
          el('td', {}, src.origin === 'added' ? 'added here' : 'config file'),
          el('td', {}, src.origin === 'added' ? el('button', { type: 'button', 'aria-label': 'Remove ' + src.url, onclick: async () => {
            await fetch('/api/sources/' + src.id, { method: 'DELETE' }).catch(() => {});
            note.textContent = 'Removed: the channels go with the next refresh.';
            showSources();
          } }, 'Remove') : '')));
      }
      if (!list) sources.append(el('tr', {}, el('td', {}, 'No live TV on this server.')));
    }
    app.append(el('h1', {}, 'Settings'),
      el('h2', {}, 'Live TV sources'), sources, add,
      el('div', { class: 'toolbar' },
        act('Refresh channels now', '/api/channels/refresh', 'Refreshing: the list changes when it is done.', 'refresh-now'),
        act('Check streams now', '/api/channels/check', 'Checking every stream in the background: health badges update when it is done.', 'check-now')),
      el('h2', {}, 'Library'),
      el('p', {}, lib ? lib.videos + ' videos in ' + lib.folders + ' folders.' : 'No video library configured (library.folders).'),
      el('div', { class: 'toolbar' }, act('Rescan library now', '/api/library/scan', 'A scan starts within 2 s.', 'rescan-now')),
      el('p', { class: 'muted' }, 'Library folders and packaging defaults (vod.packaging) are set in the configuration file; see kanal config show.'),
      note);
    await showSources();
    await meReady;
    if (me && me.auth) {
      const links = el('div', { 'data-testid': 'player-links' });
      app.append(el('h2', {}, 'Player links'),
        el('p', { class: 'muted' }, 'A link with a token of its own, for players and tuners that cannot log in (VLC, Kodi, TiviMate, Plex, Jellyfin). It opens media only; revoke it here when a device is gone.'),
        el('div', { class: 'toolbar' }, el('button', { type: 'button', 'data-testid': 'player-link-new', onclick: async () => {
          try {
            const t = await post('/api/tokens', { kind: 'player', label: 'web ' + new Date().toISOString().slice(0, 10) });
            links.prepend(el('dl', { class: 'facts' }, el('dt', {}, 'Playlist (M3U)'), el('dd', {}, t.playlistUrl),
              el('dt', {}, 'Guide (XMLTV)'), el('dd', {}, t.epgUrl), el('dt', {}, 'HDHomeRun tuner'), el('dd', {}, t.hdhomerunUrl),
              el('dt', {}, 'Shown once'), el('dd', {}, 'Copy these now; the token is not shown again.')));
            showTokens();
          } catch (err) { note.textContent = err.message; }
        } }, 'New player link')), links);
      const tokens = el('table', { class: 'plain', 'data-testid': 'token-list' });
      app.append(tokens);
      async function showTokens() {
        const list = await api('/api/tokens').catch(() => null);
        tokens.replaceChildren(el('tr', {}, el('th', {}, 'Token'), el('th', {}, 'Kind'), el('th', {}, 'Made'), el('th', {}, '')));
        for (const t of (list ? list.items : [])) {
          tokens.append(el('tr', {}, el('td', {}, t.label || t.id), el('td', {}, t.kind), el('td', {}, t.createdAt.slice(0, 10)),
            el('td', {}, el('button', { type: 'button', 'aria-label': 'Revoke ' + (t.label || t.id), onclick: async () => {
              await fetch('/api/tokens/' + encodeURIComponent(t.id), { method: 'DELETE' }).catch(() => {});
              showTokens();
            } }, 'Revoke'))));
        }
      }
      await showTokens();
    }
    const nearby = el('ul', { class: 'channels' });
    app.append(el('h2', {}, 'Nearby'), nearby);
    try {
      const found = await api('/api/discovery');
      const items = found.items || [];
      nearby.replaceChildren(...items.map((d) => el('li', { class: 'channel', 'data-testid': 'nearby-server' },
        el('span', {}), el('span', {}), el('span', {}, el('span', { class: 'name' }, d.name || d.friendlyName || d.kind || 'server'),
          el('div', { class: 'epg' }, [d.kind, d.url, d.version].filter(Boolean).join(' · '))), el('span', {}))));
      if (!items.length) nearby.append(message('Nothing found on the network.'));
    } catch (e) {
      nearby.append(message('Discovery is off.'));
    }
  }

  route();
})();
