import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../../wechat-auth/tokens/decorators/public.decorator';
import { DEMO_APPS } from '../demo-apps';

const OFFICIAL_ACCOUNT_KEY = DEMO_APPS.find((app) => app.type === 'official_account')!.key;

// A frontend's part of the H5 login: start it with a PKCE challenge, take the ticket from the fragment,
// trade it with the verifier only this browser holds, show who is logged in. Under the require-phone
// sign-up policy the fragment holds a signupTicket instead: it is finished with a phone code, a wx.login code and the same verifier.
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Demo H5 page</title></head>
<body>
<h1>Demo H5 page</h1>
<p id="status">Not logged in.</p>
<a id="login" href="#">Log in with WeChat</a>
<form id="signup" hidden>
  <label>getPhoneNumber code from the Mini Program <input id="phone-code" required></label>
  <label>wx.login code from the same Mini Program, taken as the button was pressed <input id="login-code" required></label>
  <button id="finish">Finish sign-up</button>
</form>
<script>
const VERIFIER = 'demo-h5-pkce-verifier';
const base64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
document.getElementById('login').addEventListener('click', async (event) => {
  event.preventDefault();
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  sessionStorage.setItem(VERIFIER, verifier);
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  location.href = '/auth/wechat/oauth/${OFFICIAL_ACCOUNT_KEY}/authorize?scope=snsapi_userinfo&returnTo=%2Fdemo%2Fh5&challenge=' + challenge;
});
(async () => {
  const status = document.getElementById('status');
  const show = (text) => { status.textContent = text; status.dataset.done = 'true'; };
  const fragment = new URLSearchParams(location.hash.slice(1));
  // The ticket must not stay in the address bar or the history.
  history.replaceState(null, '', location.pathname + location.search);
  if (fragment.get('error')) return show('Login failed: ' + fragment.get('error'));
  const ticket = fragment.get('ticket');
  const signupTicket = fragment.get('signupTicket');
  const verifier = sessionStorage.getItem(VERIFIER);
  sessionStorage.removeItem(VERIFIER);
  if (!ticket && !signupTicket) return;
  // A ticket this browser did not ask for (someone else's login or sign-up, sent as a link) is never used.
  if (!verifier) return show('Ignored a login this page did not start.');
  const post = (path, body) => fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const signedIn = async (answer) => {
    const tokens = await answer.json();
    if (!answer.ok) return show('Login failed: ' + tokens.error);
    const me = await (await fetch('/auth/me', { headers: { authorization: 'Bearer ' + tokens.accessToken } })).json();
    status.dataset.userId = me.id;
    show('Logged in as ' + (me.nickname || me.id));
  };
  if (ticket) return signedIn(await post('/auth/ticket', { ticket, verifier }));
  // Sign-up: WeChat's phone button exists only in Mini Programs; its code finishes the sign-up with this browser's verifier,
  // and a wx.login code of that Mini Program, by which WeChat tells the server the button was pressed by this person.
  status.textContent = 'New here: show your phone number to finish signing up.';
  const form = document.getElementById('signup');
  form.hidden = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    form.hidden = true;
    const [code, loginCode] = ['phone-code', 'login-code'].map((id) => document.getElementById(id).value);
    await signedIn(await post('/auth/signup/phone', { signupTicket, verifier, code, loginCode }));
  });
})();
</script>
</body></html>`;

/** A tiny frontend for the demo Official Account, so the H5 login can be tried (and tested) in a browser. */
@ApiExcludeController()
@Public()
@Controller('demo')
export class DemoController {
  @Get('h5')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Referrer-Policy', 'no-referrer')
  @Header('Cache-Control', 'no-store')
  h5(): string {
    return PAGE;
  }
}
