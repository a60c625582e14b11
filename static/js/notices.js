// 消息: opening a notice's link marks it read (as GitHub does), without holding up the navigation.
// Without JavaScript the link still works; the notice stays unread until "标为已读".
(function () {
  "use strict";
  var list = document.querySelector(".notices-list[data-read-url]");
  if (!list || !navigator.sendBeacon) {
    return;
  }
  var token = list.getAttribute("data-csrf");
  list.addEventListener("click", function (event) {
    var link = event.target.closest("a.notice-link[data-id]");
    if (!link) {
      return;
    }
    var form = new FormData();
    form.append("csrfmiddlewaretoken", token);
    form.append("id", link.getAttribute("data-id"));
    form.append("beacon", "1");
    navigator.sendBeacon(list.getAttribute("data-read-url"), form);
  });
})();
