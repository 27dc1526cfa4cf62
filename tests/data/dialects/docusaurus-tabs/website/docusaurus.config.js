module.exports = {
  title: 'Gadget',
  presets: [['classic', { docs: { path: '../docs', routeBasePath: 'docs' } }]],
};
