// A live count beside a text box with a limit (MY mail's reply form). The page works without it: the
// limit is stated in words and the server says precisely when it is exceeded. Counts as the server
// does: characters (an emoji is one), a line break is one.
(() => {
  for (const counter of document.querySelectorAll('[data-count-for]')) {
    const field = document.getElementById(counter.dataset.countFor);
    if (!field) continue;
    const max = Number(counter.dataset.max);
    const { template } = counter.dataset;
    const update = () => {
      const count = Array.from(field.value).length;
      counter.textContent = template.replace('{count}', count.toLocaleString('en-US'));
      counter.classList.toggle('over', count > max);
    };
    field.addEventListener('input', update);
    update();
    counter.hidden = false;
  }
})();
