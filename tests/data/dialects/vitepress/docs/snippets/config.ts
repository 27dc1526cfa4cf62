import { widget } from 'widget'
export default {
  // #region register
  plugins: [widget()],
  // #endregion register
}
