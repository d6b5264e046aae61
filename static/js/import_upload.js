// Import pages: show the upload's progress, then that the server is checking the file.
// (A plain form post still works without this script; the CSP allows only local scripts.)
(function () {
  var form = document.querySelector("form[data-upload-progress]");
  if (form && window.FormData && window.XMLHttpRequest) {
    var wrap = form.querySelector("[data-upload-bar]");
    var bar = wrap && wrap.querySelector(".progress-bar");
    var status = form.querySelector("[data-upload-status]");
    var show = function (text, percent) {
      wrap.classList.remove("d-none");
      status.classList.remove("d-none");
      status.textContent = text;
      bar.classList.remove("w-0");
      bar.style.width = percent + "%";
      wrap.setAttribute("aria-valuenow", String(Math.round(percent)));
    };
    form.addEventListener("submit", function (event) {
      var file = form.querySelector("input[type=file]");
      if (!file || !file.files.length) { return; }
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") || window.location.href);
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          var percent = (e.loaded / e.total) * 100;
          show("正在上传… " + Math.round(percent) + "%", percent);
        }
      });
      xhr.upload.addEventListener("load", function () {
        show("上传完成，正在逐行校验，请稍候…", 100);
      });
      xhr.addEventListener("load", function () {
        if (xhr.responseURL && xhr.responseURL !== window.location.href.split("#")[0]) {
          window.location.assign(xhr.responseURL);
        } else {
          document.open();
          document.write(xhr.responseText);
          document.close();
        }
      });
      xhr.addEventListener("error", function () {
        button.disabled = false;
        show("上传失败，请检查网络后重试", 0);
      });
      xhr.send(new FormData(form));
    });
  }
  document.querySelectorAll("form[data-busy]").forEach(function (busy) {
    busy.addEventListener("submit", function () {
      var button = busy.querySelector("button[type=submit]");
      var note = busy.querySelector("[data-busy-status]");
      if (note) { note.classList.remove("d-none"); }
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  });
})();
