/* django-import-export's "Select all" on the admin's export page, from a file: the library's
   inline onchange handler is blocked by the Content Security Policy (templates/admin/
   import_export/export.html leaves it out). Ticks or clears the field boxes of the export. */
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".select-toggle").forEach((toggle) => {
    toggle.addEventListener("change", () => {
      document.querySelectorAll('.selectable-field-export-row input[type="checkbox"]')
        .forEach((box) => { box.checked = toggle.checked; });
    });
  });
});
