// Framed mode: inside an iframe (Moodle shows Instants in one) a page leaves out its own brand, language switch
// and footer, which Moodle's page already has. The server guesses from the launch's document target; this
// corrects the guess before the body is drawn (a launch in a new window, a phone where Moodle opens the tool
// in its own window). Without JavaScript the server's guess stands.
(function () {
  var framed;
  try {
    framed = window.self !== window.top;
  } catch {
    framed = true;
  }
  document.documentElement.classList.toggle('in-frame', framed);
})();
