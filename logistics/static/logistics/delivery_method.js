/* The referral form: the pick-up point's choice shows only while "pick-up point" is ticked.
   Without this script it is always shown; the form then ignores a point chosen for another
   delivery method. From a file: the Content Security Policy allows no inline script. */
document.addEventListener("DOMContentLoaded", () => {
  const choice = document.getElementById("pickup-choice");
  const radios = document.querySelectorAll('#delivery-method input[type="radio"]');
  if (!choice || !radios.length) return;
  const show = () => {
    const ticked = document.querySelector('#delivery-method input[type="radio"]:checked');
    choice.hidden = !ticked || ticked.value !== choice.dataset.method;
  };
  radios.forEach((radio) => radio.addEventListener("change", show));
  show();
});
