'use strict';

/**
 * wechat-auth for the Mini Program side: sign in with wx.login, keep the
 * token pair, and call the API with it. Dependency-free; copy this folder
 * into the Mini Program. It stores only the token pair, never a session_key
 * or a secret (those stay on the server).
 */

// The Mini Program's own API; tests pass a stand-in as options.wx.
var GLOBAL_WX = typeof wx !== 'undefined' ? wx : undefined; // eslint-disable-line no-undef

// After these, a fresh wx.login is the only way back in; other failures (WeChat down, rate limits) are the caller's to show.
var SIGN_IN_AGAIN = ['refresh_token_invalid', 'refresh_token_reused', 'session_revoked', 'invalid_token', 'unauthorized'];

function apiError(response) {
  var body = response.data && typeof response.data === 'object' ? response.data : {};
  var error = new Error(body.message || 'Request failed with status ' + response.statusCode);
  error.statusCode = response.statusCode;
  error.code = body.error || null;
  error.data = response.data;
  return error;
}

/** `promise`, with `done` run once it settles (Promise.prototype.finally is missing on older base libraries). */
function whenSettled(promise, done) {
  return promise.then(
    function (value) {
      done();
      return value;
    },
    function (error) {
      done();
      throw error;
    },
  );
}

function errorCodeOf(response) {
  return response.data && typeof response.data === 'object' ? response.data.error : undefined;
}

/**
 * @param {{ baseUrl: string, app?: string, wx?: object, storageKey?: string }} options
 */
function createClient(options) {
  var wxApi = options.wx || GLOBAL_WX;
  var baseUrl = options.baseUrl.replace(/\/+$/, '');
  var storageKey = options.storageKey || 'wechat-auth-tokens';
  // One login and one refresh at a time: every caller that needs one waits on the same.
  var loggingIn = null;
  var refreshing = null;

  function held() {
    return wxApi.getStorageSync(storageKey) || null;
  }

  function keep(pair) {
    wxApi.setStorageSync(storageKey, { accessToken: pair.accessToken, refreshToken: pair.refreshToken });
    return held();
  }

  function forget() {
    wxApi.removeStorageSync(storageKey);
  }

  function send(method, path, data, header) {
    return new Promise(function (resolve, reject) {
      wxApi.request({
        url: baseUrl + path,
        method: method,
        data: data,
        header: Object.assign({ 'content-type': 'application/json' }, header),
        success: function (response) {
          resolve({ statusCode: response.statusCode, data: response.data, header: response.header });
        },
        fail: reject,
      });
    });
  }

  function wxLoginCode() {
    return new Promise(function (resolve, reject) {
      wxApi.login({
        success: function (result) {
          result.code ? resolve(result.code) : reject(new Error('wx.login gave no code'));
        },
        fail: reject,
      });
    });
  }

  /** An answer with a token pair signs in; a require-phone sign-up answers {signupTicket, next: 'phone'} instead. */
  function signedIn(response) {
    if (response.statusCode !== 200) throw apiError(response);
    if (response.data.signupTicket) return response.data;
    keep(response.data);
    return response.data;
  }

  function login() {
    if (!loggingIn) {
      loggingIn = whenSettled(
        wxLoginCode()
          .then(function (code) {
            return send('POST', '/auth/wechat/miniprogram/login', options.app ? { code: code, app: options.app } : { code: code });
          })
          .then(signedIn),
        function () {
          loggingIn = null;
        },
      );
    }
    return loggingIn;
  }

  /** The stored pair, signing in first when there is none; a sign-up still waiting for the phone is an error here. */
  function tokens() {
    var current = held();
    if (current) return Promise.resolve(current);
    return login().then(function (result) {
      if (result.signupTicket) {
        var error = new Error('Sign-up needs the phone number: call signUpWithPhone(signupTicket, code).');
        error.code = 'signup_required';
        error.signupTicket = result.signupTicket;
        throw error;
      }
      return held();
    });
  }

  /** `stale`: the access token that was refused. Callers refused with the same token share one refresh. */
  function refresh(stale) {
    var current = held();
    // Someone else replaced the token meanwhile: use theirs.
    if (current && current.accessToken !== stale) return Promise.resolve(current);
    if (!refreshing) {
      refreshing = whenSettled(
        (current ? send('POST', '/auth/refresh', { refreshToken: current.refreshToken }) : Promise.resolve(null)).then(function (response) {
          if (response && response.statusCode === 200) return keep(response.data);
          if (response && SIGN_IN_AGAIN.indexOf(errorCodeOf(response)) < 0) throw apiError(response);
          forget();
          return tokens();
        }),
        function () {
          refreshing = null;
        },
      );
    }
    return refreshing;
  }

  function signInAgain(stale) {
    var current = held();
    if (current && current.accessToken !== stale) return Promise.resolve(current);
    forget();
    return tokens();
  }

  /**
   * Runs `attempt(accessToken)` signed in: once more after a refresh when the
   * token expired, or after a new login when the session ended or WeChat's
   * session_key went stale (then `attempt` runs again, so it can fetch
   * freshly sealed data). A second failure of the same kind is the caller's.
   */
  function authorized(attempt) {
    return tokens().then(function (first) {
      return attempt(first.accessToken).then(function (response) {
        var code = errorCodeOf(response);
        var again = null;
        if (code === 'token_expired') again = refresh(first.accessToken);
        else if (response.statusCode === 401 && SIGN_IN_AGAIN.indexOf(code) >= 0) again = signInAgain(first.accessToken);
        else if (code === 'session_key_expired') again = login().then(tokens);
        if (!again) return response;
        return again.then(function (second) {
          return attempt(second.accessToken);
        });
      });
    });
  }

  function ok(response) {
    if (response.statusCode < 200 || response.statusCode >= 300) throw apiError(response);
    return response;
  }

  function bearer(accessToken, header) {
    return Object.assign({}, header, { Authorization: 'Bearer ' + accessToken });
  }

  function call(method, path, data) {
    return authorized(function (accessToken) {
      return send(method, path, data, bearer(accessToken));
    })
      .then(ok)
      .then(function (response) {
        return response.data;
      });
  }

  return {
    login: login,

    /** Like wx.request (url is a path under baseUrl); resolves with {statusCode, data, header} for any answer it could not recover. */
    request: function (request) {
      return authorized(function (accessToken) {
        return send(request.method || 'GET', request.url, request.data, bearer(accessToken, request.header));
      });
    },

    /**
     * For a `require-phone` sign-up: the login's signupTicket and the getPhoneNumber button's code.
     * A sign-up that began in an H5 page's Official Account or website login (#signupTicket= in its URL)
     * also needs `verifier`, the one that page's login started with: without it the ticket is burnt.
     * A fresh wx.login goes with them: WeChat's answer to it must name the person the ticket is for,
     * or the server burns the ticket (someone else's ticket, carried here by a link).
     */
    signUpWithPhone: function (signupTicket, code, verifier) {
      return wxLoginCode()
        .then(function (loginCode) {
          var body = { signupTicket: signupTicket, code: code, loginCode: loginCode };
          if (verifier) body.verifier = verifier;
          if (options.app) body.app = options.app;
          return send('POST', '/auth/signup/phone', body);
        })
        .then(signedIn);
    },

    logout: function () {
      var current = held();
      forget();
      if (!current) return Promise.resolve();
      return send('POST', '/auth/logout', undefined, bearer(current.accessToken)).then(function () {});
    },

    /** The code of `<button open-type="getPhoneNumber">`. */
    bindPhone: function (code) {
      return call('POST', '/auth/wechat/miniprogram/phone', options.app ? { code: code, app: options.app } : { code: code });
    },

    /**
     * What wx.getUserProfile gave ({encryptedData, iv, rawData, signature}),
     * or a function that asks for it: after a stale session_key only fresh
     * data, sealed with the new key, can succeed.
     */
    updateProfile: function (encrypted) {
      var fetchData = typeof encrypted === 'function' ? encrypted : function () {
        return Promise.resolve(encrypted);
      };
      return authorized(function (accessToken) {
        return Promise.resolve(fetchData()).then(function (data) {
          var body = Object.assign({}, data, options.app ? { app: options.app } : {});
          return send('POST', '/auth/wechat/miniprogram/profile', body, bearer(accessToken));
        });
      })
        .then(ok)
        .then(function (response) {
          return response.data;
        });
    },

    /** What the person typed in `<input type="nickname">`. */
    setNickname: function (nickname) {
      return call('PATCH', '/auth/me', { nickname: nickname });
    },

    /** The file `<button open-type="chooseAvatar">` gave (a temporary path), uploaded with wx.uploadFile. */
    uploadAvatar: function (filePath) {
      return authorized(function (accessToken) {
        return new Promise(function (resolve, reject) {
          wxApi.uploadFile({
            url: baseUrl + '/auth/me/avatar',
            filePath: filePath,
            name: 'file',
            header: bearer(accessToken),
            success: function (response) {
              var data = response.data;
              try {
                data = JSON.parse(response.data);
              } catch (notJson) {
                // left as text
              }
              resolve({ statusCode: response.statusCode, data: data });
            },
            fail: reject,
          });
        });
      })
        .then(ok)
        .then(function (response) {
          return response.data;
        });
    },

    /** A one-time ticket for a web-view page to sign in as the same user: open `<web-view src="…#ticket=…">`. */
    webViewTicket: function () {
      return call('POST', '/auth/tickets');
    },
  };
}

module.exports = { createClient: createClient };
