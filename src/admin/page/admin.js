// The admin page: signs in with WeChat like any user, then drives /admin/api.
// Everything that came from a user (nicknames above all) is shown with textContent, never as HTML.
'use strict';

(function () {
  var TOKENS = 'wechat-auth-admin-tokens';
  var VERIFIER = 'wechat-auth-admin-pkce-verifier';
  var SIGN_IN_ERRORS = ['authorization_denied', 'wechat_code_invalid', 'wechat_code_used', 'wechat_unavailable', 'wechat_rate_limited',
    'wechat_user_blocked', 'snapshot_user', 'user_disabled', 'account_not_found', 'rate_limited', 'invalid_request', 'service_unavailable'];
  // cursors[n - 1]: the nextCursor page n - 1 gave, where page n starts (an index seek at any depth).
  var state = { page: 1, cursors: [null], pageSize: 20, total: 0, selected: null, config: null };

  function $(id) { return document.getElementById(id); }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function when(value) {
    return value ? new Date(value).toLocaleString() : '—';
  }

  function tokens() {
    try { return JSON.parse(sessionStorage.getItem(TOKENS) || 'null'); } catch (e) { return null; }
  }

  function saveTokens(pair) {
    if (pair) sessionStorage.setItem(TOKENS, JSON.stringify({ accessToken: pair.accessToken, refreshToken: pair.refreshToken }));
    else sessionStorage.removeItem(TOKENS);
  }

  function ApiError(status, body) {
    this.status = status;
    this.code = body && body.error;
    this.message = (body && body.message) || 'Request failed (' + status + ')';
  }

  function send(method, path, body, accessToken) {
    var headers = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (accessToken) headers.authorization = 'Bearer ' + accessToken;
    return fetch(path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) }).then(function (response) {
      if (response.status === 204) return null;
      return response.json().catch(function () { return null; }).then(function (json) {
        if (!response.ok) throw new ApiError(response.status, json);
        return json;
      });
    });
  }

  // An expired access token is renewed once with the refresh token; anything else ends the sign-in.
  function api(method, path, body) {
    var current = tokens();
    if (!current) return Promise.reject(new ApiError(401, { error: 'unauthorized', message: 'Sign in first.' }));
    return send(method, path, body, current.accessToken).catch(function (error) {
      if (error.code !== 'token_expired') throw error;
      return send('POST', '/auth/refresh', { refreshToken: current.refreshToken }).then(function (pair) {
        saveTokens(pair);
        return send(method, path, body, pair.accessToken);
      });
    }).catch(function (error) {
      if (error.status === 401 || error.code === 'user_disabled') signOut(error.message);
      throw error;
    });
  }

  function signOut(message) {
    saveTokens(null);
    showSignIn(message || '');
  }

  function showSignIn(message) {
    $('console').hidden = true;
    $('sign-out').hidden = true;
    $('whoami').textContent = '';
    $('sign-in').hidden = false;
    $('sign-in-error').textContent = message;
  }

  function start() {
    api('GET', '/auth/me').then(function (me) {
      if (me.roles.indexOf('admin') < 0) {
        signOut('This account (' + me.id + ') does not have the admin role.');
        return;
      }
      $('sign-in').hidden = true;
      $('console').hidden = false;
      $('sign-out').hidden = false;
      $('whoami').textContent = 'Signed in as ' + (me.nickname || me.id);
      loadOverview();
      loadList();
    }).catch(function (error) { showSignIn(error.message); });
  }

  function setUpSignIn(config) {
    var oauth = $('oauth-sign-in');
    config.apps.forEach(function (app) {
      // Only browser flows can sign in here: the others' codes come from a phone's WeChat.
      if (app.type !== 'official_account' && app.type !== 'website') return;
      var link = el('a', app.type === 'website' ? 'Sign in with WeChat (QR code, ' + app.key + ')' : 'Sign in with WeChat (' + app.key + ')', 'button');
      link.href = '#';
      link.addEventListener('click', function (event) {
        event.preventDefault();
        startOAuthSignIn(app.key);
      });
      oauth.appendChild(link);
    });
    if (config.sandboxLogin) {
      $('sandbox-sign-in').hidden = false;
      $('sandbox-sign-in').addEventListener('submit', function (event) {
        event.preventDefault();
        var persona = event.target.elements.persona.value.trim();
        send('POST', '/sandbox/wx.login', { appid: config.sandboxLogin.appid, user: persona })
          .then(function (answer) { return send('POST', '/auth/wechat/miniprogram/login', { code: answer.code, app: config.sandboxLogin.app }); })
          .then(function (pair) { saveTokens(pair); start(); })
          .catch(function (error) { showSignIn(error.message); });
      });
    }
    var select = document.querySelector('#filters select[name=app]');
    config.apps.forEach(function (app) {
      var option = el('option', app.key + ' (' + app.type + ')');
      option.value = app.key;
      select.appendChild(option);
    });
  }

  function base64url(bytes) {
    return btoa(String.fromCharCode.apply(null, new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  // PKCE: only this browser holds the verifier, so only a sign-in it started can come back to it.
  function startOAuthSignIn(appKey) {
    var verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
    sessionStorage.setItem(VERIFIER, verifier);
    crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)).then(function (digest) {
      location.href = '/auth/wechat/oauth/' + encodeURIComponent(appKey) + '/authorize?returnTo=' + encodeURIComponent('/admin') + '&challenge=' + base64url(digest);
    });
  }

  // The OAuth flows come back to /admin#ticket=... (or #error=...).
  function takeTicketFromUrl() {
    var fragment = new URLSearchParams(location.hash.slice(1));
    if (!fragment.has('ticket') && !fragment.has('error')) return Promise.resolve();
    history.replaceState(null, '', location.pathname);
    // Only our own error codes are shown: any other text in a link is someone's words, not ours.
    if (fragment.has('error')) {
      var code = fragment.get('error');
      return Promise.reject(new ApiError(401, { message: 'WeChat sign-in failed' + (SIGN_IN_ERRORS.indexOf(code) >= 0 ? ' (' + code + ').' : '.') }));
    }
    var verifier = sessionStorage.getItem(VERIFIER);
    sessionStorage.removeItem(VERIFIER);
    // A ticket in a link this page did not start is someone else's sign-in: never taken.
    if (!verifier) return Promise.reject(new ApiError(401, { message: 'Ignored a sign-in this page did not start.' }));
    return send('POST', '/auth/ticket', { ticket: fragment.get('ticket'), verifier: verifier }).then(saveTokens);
  }

  function listQuery() {
    var form = $('filters').elements;
    var params = new URLSearchParams();
    ['q', 'app', 'linked', 'status'].forEach(function (name) {
      var value = form[name].value.trim();
      if (value) params.set(name, value);
    });
    state.pageSize = Number(form.pageSize.value);
    var after = state.cursors[state.page - 1];
    if (after) params.set('after', after);
    params.set('pageSize', String(state.pageSize));
    return params.toString();
  }

  // Days begin at midnight where the admin is.
  function loadOverview() {
    var timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
    $('overview-zone').textContent = '(' + timeZone + ')';
    api('GET', '/admin/api/stats?days=30&timeZone=' + encodeURIComponent(timeZone))
      .then(function (stats) { window.AdminOverview.render($('charts'), stats); $('overview-error').textContent = ''; })
      .catch(function (error) { $('overview-error').textContent = error.message; });
  }

  function loadList() {
    $('list-error').textContent = '';
    return api('GET', '/admin/api/users?' + listQuery()).then(renderList).catch(function (error) {
      $('list-error').textContent = error.message;
    });
  }

  function identityTags(user) {
    var cell = el('td');
    user.identities.forEach(function (identity) {
      var tag = el('span', identity.app + ': ' + identity.openid, 'tag mono');
      tag.title = identity.appType + (identity.unionid ? ', unionid ' + identity.unionid : ', no unionid');
      cell.appendChild(tag);
    });
    if (user.identities.length === 0) cell.appendChild(el('span', 'no identity', 'muted'));
    return cell;
  }

  function renderList(result) {
    state.total = result.total;
    var body = document.querySelector('#users tbody');
    body.textContent = '';
    result.items.forEach(function (user) {
      var row = el('tr');
      row.dataset.userId = user.id;
      if (user.id === state.selected) row.className = 'selected';
      var who = el('td');
      who.appendChild(el('div', user.nickname || '(no nickname)'));
      who.appendChild(el('div', user.id, 'mono muted'));
      who.appendChild(el('div', user.linked ? 'unionid ' + user.unionid : 'not linked', 'muted'));
      row.appendChild(who);
      row.appendChild(identityTags(user));
      row.appendChild(el('td', user.phone || '—'));
      row.appendChild(el('td', user.status, 'status-' + user.status));
      row.appendChild(el('td', when(user.lastLoginAt)));
      row.addEventListener('click', function () { openUser(user.id); });
      body.appendChild(row);
    });
    if (result.items.length === 0) {
      var empty = el('tr');
      var cell = el('td', 'No user matches.', 'muted');
      cell.colSpan = 5;
      empty.appendChild(cell);
      body.appendChild(empty);
    }
    var pages = Math.max(1, Math.ceil(result.total / result.pageSize));
    var count = result.total.toLocaleString() + (result.totalCapped ? '+ users' : result.total === 1 ? ' user' : ' users');
    state.cursors[state.page] = result.nextCursor;
    $('page-info').textContent = 'Page ' + state.page + ' of ' + pages + (result.totalCapped ? '+' : '') + ' (' + count + ')';
    $('prev').disabled = state.page <= 1;
    $('next').disabled = !result.nextCursor || (!result.totalCapped && state.page >= pages);
  }

  function field(list, name, value, className) {
    list.appendChild(el('dt', name));
    list.appendChild(el('dd', value === null || value === undefined || value === '' ? '—' : value, className));
  }

  function rows(tableId, items, cells) {
    var body = document.querySelector('#' + tableId + ' tbody');
    body.textContent = '';
    items.forEach(function (item) {
      var row = el('tr');
      cells(item).forEach(function (cell) { row.appendChild(cell instanceof Node ? cell : el('td', cell)); });
      body.appendChild(row);
    });
    if (items.length === 0) body.appendChild(el('tr')).appendChild(el('td', 'none', 'muted'));
  }

  function renderDetail(user) {
    $('detail').hidden = false;
    $('detail-title').textContent = user.nickname || '(no nickname)';
    var fields = $('detail-fields');
    fields.textContent = '';
    field(fields, 'Id', user.id, 'mono');
    field(fields, 'Status', user.status, 'status-' + user.status);
    field(fields, 'Roles', user.roles.join(', '));
    field(fields, 'Phone', user.phone);
    field(fields, 'Unionid', user.unionid, 'mono');
    field(fields, 'Created', when(user.createdAt));
    field(fields, 'Last login', when(user.lastLoginAt));
    // A deleted account is a tombstone: nothing to disable, enable or end.
    $('disable').hidden = user.status !== 'active';
    $('enable').hidden = user.status !== 'disabled';
    $('revoke-sessions').hidden = user.status === 'deleted';

    rows('identities', user.identities, function (identity) {
      var unbind = el('button', 'Unbind');
      unbind.type = 'button';
      unbind.addEventListener('click', function () {
        if (!confirm('Unbind ' + identity.app + ' identity ' + identity.openid + '? Its sessions end.')) return;
        act('DELETE', '/identities/' + identity.id, 'Identity unbound.');
      });
      var action = el('td');
      action.appendChild(unbind);
      var ids = el('td');
      ids.appendChild(el('div', 'openid ' + identity.openid, 'mono'));
      ids.appendChild(el('div', identity.unionid ? 'unionid ' + identity.unionid : 'no unionid', 'mono muted'));
      return [identity.app + ' (' + identity.appType + ')', ids, when(identity.lastLoginAt), action];
    });
    rows('sessions', user.sessions, function (session) {
      // A session is used when it signs in or refreshes; access tokens are not tracked one by one.
      return [session.app || '—', 'since ' + when(session.createdAt), 'last used ' + when(session.lastRefreshedAt || session.createdAt), session.ip || '—', el('td', session.userAgent || '', 'muted')];
    });
    rows('events', user.loginEvents, function (event) {
      var by = el('td', '', 'muted');
      if (event.detail && event.detail.adminId) {
        by.textContent = 'by admin ' + String(event.detail.adminId).slice(0, 8);
        by.title = String(event.detail.adminId);
      } else if (event.detail && event.detail.by) {
        by.textContent = 'by ' + event.detail.by;
      }
      return [when(event.createdAt), event.kind + (event.app ? ' · ' + event.app : ''), el('td', event.result + (event.errorCode ? ' (' + event.errorCode + ')' : ''), event.result === 'failure' ? 'status-disabled' : ''), event.ip || '—', by];
    });
  }

  function openUser(id) {
    state.selected = id;
    $('detail-message').textContent = '';
    Array.prototype.forEach.call(document.querySelectorAll('#users tbody tr'), function (row) {
      row.className = row.dataset.userId === id ? 'selected' : '';
    });
    return api('GET', '/admin/api/users/' + encodeURIComponent(id)).then(renderDetail).catch(function (error) {
      $('detail-message').textContent = error.message;
    });
  }

  function act(method, suffix, done) {
    var id = state.selected;
    return api(method, '/admin/api/users/' + encodeURIComponent(id) + suffix).then(function (result) {
      return Promise.all([openUser(id), loadList()]).then(function () {
        $('detail-message').textContent = result && typeof result.revoked === 'number' ? done + ' (' + result.revoked + ')' : done;
      });
    }).catch(function (error) { $('detail-message').textContent = error.message; });
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('filters').addEventListener('submit', function (event) {
      event.preventDefault();
      state.page = 1;
      state.cursors = [null];
      loadList();
    });
    $('prev').addEventListener('click', function () { state.page = Math.max(1, state.page - 1); loadList(); });
    $('next').addEventListener('click', function () { state.page += 1; loadList(); });
    $('close-detail').addEventListener('click', function () { state.selected = null; $('detail').hidden = true; });
    $('disable').addEventListener('click', function () {
      if (confirm('Disable this user? Their sessions end at once.')) act('POST', '/disable', 'User disabled.');
    });
    $('enable').addEventListener('click', function () { act('POST', '/enable', 'User enabled.'); });
    $('revoke-sessions').addEventListener('click', function () {
      if (confirm('End all sessions of this user?')) act('POST', '/revoke-sessions', 'Sessions ended');
    });
    $('sign-out').addEventListener('click', function () {
      var current = tokens();
      if (current) send('POST', '/auth/logout', undefined, current.accessToken).catch(function () { return null; });
      signOut('Signed out.');
    });

    send('GET', '/admin/page-config').then(function (config) {
      state.config = config;
      setUpSignIn(config);
      return takeTicketFromUrl();
    }).then(function () {
      if (tokens()) start();
      else showSignIn('');
    }).catch(function (error) { showSignIn(error.message); });
  });
})();
