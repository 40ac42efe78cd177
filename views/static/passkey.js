// Passkey registration and login for the IdP's second-factor page. The server keeps the challenge;
// this only carries options and the authenticator's answer (SimpleWebAuthn's browser helper).
(() => {
  const root = document.getElementById('passkey');
  if (!root) return;
  // The page gives its own words (its language); the Japanese ones stand in where it gives none.
  const { base, csrf, mode, labelMissing = 'パスキーの名前を入力してください。',
    unavailable = 'パスキーを使用できませんでした。もう一度お試しいただくか、別の方法を選んでください。' } = root.dataset;
  const button = document.getElementById('passkey-button');
  const status = document.getElementById('passkey-status');
  const headers = { 'x-csrf-token': csrf, 'content-type': 'application/json' };

  button.addEventListener('click', async () => {
    status.textContent = '';
    const labelInput = document.getElementById('passkey-label');
    const label = labelInput ? labelInput.value.trim() : '';
    if (mode === 'register' && !label) {
      status.textContent = labelMissing;
      labelInput.focus();
      return;
    }
    button.disabled = true;
    try {
      const options = await (await fetch(`${base}/mfa/passkey/options`, { method: 'POST', headers })).json();
      const response = mode === 'register'
        ? await SimpleWebAuthnBrowser.startRegistration({ optionsJSON: options })
        : await SimpleWebAuthnBrowser.startAuthentication({ optionsJSON: options });
      const result = await (await fetch(`${base}/mfa/passkey`, { method: 'POST', headers, body: JSON.stringify({ label, response }) })).json();
      if (result.redirectTo) {
        window.location.assign(result.redirectTo);
        return;
      }
      status.textContent = result.error;
    } catch {
      status.textContent = unavailable;
    } finally {
      button.disabled = false;
    }
  });
})();
