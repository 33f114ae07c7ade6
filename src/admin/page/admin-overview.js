// The overview of the admin page: sign-in statistics drawn as SVG bar charts.
// No library and nothing inline, so the page's strict Content-Security-Policy holds.
'use strict';

(function () {
  var SVG = 'http://www.w3.org/2000/svg';
  var WIDTH = 560;
  var HEIGHT = 180;
  var PLOT = { left: 36, right: 8, top: 8, bottom: 22 };
  var PALETTE = ['#07c160', '#2563eb', '#f59e0b', '#db2777', '#7c3aed', '#0891b2', '#65a30d', '#dc2626', '#6b7280'];

  function svgNode(tag, attributes, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, String(attributes[name])); });
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  /** Each series: { name, values[] } (one value per day); drawn as bars stacked in series order. */
  function stackedBars(days, series) {
    var svg = svgNode('svg', { viewBox: '0 0 ' + WIDTH + ' ' + HEIGHT, role: 'img', class: 'chart' });
    var totals = days.map(function (_, index) {
      return series.reduce(function (sum, one) { return sum + one.values[index]; }, 0);
    });
    var max = Math.max(1, Math.max.apply(null, totals));
    var plotWidth = WIDTH - PLOT.left - PLOT.right;
    var plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
    var slot = plotWidth / days.length;
    var y = function (value) { return PLOT.top + plotHeight - (value / max) * plotHeight; };

    svg.appendChild(svgNode('line', { x1: PLOT.left, x2: WIDTH - PLOT.right, y1: y(0), y2: y(0), stroke: '#9ca3af' }));
    svg.appendChild(svgNode('text', { x: PLOT.left - 4, y: y(max) + 4, 'text-anchor': 'end', class: 'axis' }, max));
    svg.appendChild(svgNode('text', { x: PLOT.left - 4, y: y(0), 'text-anchor': 'end', class: 'axis' }, 0));
    days.forEach(function (day, index) {
      var x = PLOT.left + index * slot + slot * 0.15;
      var base = 0;
      series.forEach(function (one, seriesIndex) {
        var value = one.values[index];
        if (!value) return;
        var bar = svgNode('rect', { x: x, width: slot * 0.7, y: y(base + value), height: y(base) - y(base + value), fill: PALETTE[seriesIndex % PALETTE.length] });
        bar.appendChild(svgNode('title', {}, day + ' ' + one.name + ': ' + value));
        svg.appendChild(bar);
        base += value;
      });
      if (index === 0 || index === days.length - 1 || index === Math.floor(days.length / 2)) {
        svg.appendChild(svgNode('text', { x: x + slot * 0.35, y: HEIGHT - 6, 'text-anchor': 'middle', class: 'axis' }, day.slice(5)));
      }
    });
    return svg;
  }

  function legend(series) {
    var list = document.createElement('ul');
    list.className = 'legend';
    series.forEach(function (one, index) {
      var item = document.createElement('li');
      var swatch = svgNode('svg', { width: 10, height: 10, 'aria-hidden': 'true' });
      swatch.appendChild(svgNode('rect', { width: 10, height: 10, fill: PALETTE[index % PALETTE.length] }));
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(' ' + one.name + ' (' + one.values.reduce(function (a, b) { return a + b; }, 0) + ')'));
      list.appendChild(item);
    });
    return list;
  }

  /** One series per key found in any day's `pick(day)` record, largest first. */
  function seriesOf(days, pick) {
    var names = {};
    days.forEach(function (day) { Object.keys(pick(day)).forEach(function (name) { names[name] = true; }); });
    return Object.keys(names)
      .map(function (name) { return { name: name, values: days.map(function (day) { return pick(day)[name] || 0; }) }; })
      .sort(function (a, b) { return b.values.reduce(sum, 0) - a.values.reduce(sum, 0); });
  }

  function sum(a, b) { return a + b; }

  function chart(title, dayNames, series) {
    var figure = document.createElement('figure');
    figure.className = 'chart-card';
    var caption = document.createElement('figcaption');
    caption.textContent = title;
    figure.appendChild(caption);
    figure.appendChild(stackedBars(dayNames, series));
    figure.appendChild(legend(series));
    return figure;
  }

  /** Replaces the children of `container` with the four charts of `stats` (GET /admin/api/stats). */
  function render(container, stats) {
    var days = stats.days;
    var names = days.map(function (day) { return day.day; });
    container.replaceChildren(
      chart('Sign-ins per day, by app', names, seriesOf(days, function (day) { return day.signIns; })),
      chart('New users per day', names, [{ name: 'new users', values: days.map(function (day) { return day.newUsers; }) }]),
      chart('Failures per day, by error', names, seriesOf(days, function (day) { return day.failures; })),
      chart('Merged users per day', names, [{ name: 'merges', values: days.map(function (day) { return day.merges; }) }]),
    );
  }

  window.AdminOverview = { render: render };
})();
