// The profile page's live preview of the avatar's square: the same arithmetic as the server's
// (portal/profile/avatar-crop.ts), drawn from the chosen file before it is sent. Without this
// script the form works as it is; the server alone decides what is saved.
(() => {
  const form = document.getElementById('avatar-form');
  const figure = document.getElementById('avatar-preview');
  if (!form || !figure || typeof createImageBitmap !== 'function') return;
  const canvas = figure.querySelector('canvas');
  const input = form.querySelector('input[type=file]');
  const ANCHORS = { center: [0.5, 0.5], top: [0.5, 0], bottom: [0.5, 1], left: [0, 0.5], right: [1, 0.5] };
  let picture = null;

  const draw = () => {
    figure.hidden = !picture;
    if (!picture) return;
    const checked = form.querySelector('input[name=position]:checked');
    const [across, down] = ANCHORS[checked ? checked.value : 'center'] || ANCHORS.center;
    const percent = Number(form.querySelector('select[name=size]').value) || 100;
    const { width, height } = picture;
    const size = Math.max(1, Math.floor((Math.min(width, height) * percent) / 100));
    const context = canvas.getContext('2d');
    context.clearRect(0, 0, canvas.width, canvas.height);
    context.drawImage(picture, Math.floor((width - size) * across), Math.floor((height - size) * down), size, size, 0, 0, canvas.width, canvas.height);
  };

  input.addEventListener('change', async () => {
    if (picture) picture.close();
    picture = null;
    const file = input.files && input.files[0];
    if (file) {
      try {
        picture = await createImageBitmap(file); // upright, as the server reads it (EXIF orientation applied)
      } catch {
        picture = null; // not an image this browser can read: the server will say what is wrong
      }
    }
    draw();
  });
  form.addEventListener('change', (event) => {
    if (event.target !== input) draw();
  });
})();
