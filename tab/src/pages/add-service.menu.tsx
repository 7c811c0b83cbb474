/**
 * The "Add service" menu. It lives in its own chunk: Fluent's Menu brings the positioning and focus-management
 * code (about 40 kB gzip), which the first paint does not need. The services page shows an identical-looking
 * button until this chunk arrives (it starts loading with the page).
 */
import { Menu, MenuButton, MenuItem, MenuList, MenuPopover, MenuTrigger } from "@fluentui/react-components";
import { AddRegular } from "@fluentui/react-icons";
import { navigate, paths } from "../app/router";
import { en } from "../i18n/en";

/** Props of AddServiceMenu. */
export interface AddServiceMenuProps {
  /** Open at once: the operator clicked the placeholder button before this chunk arrived. */
  initiallyOpen?: boolean;
}

/** The menu (default export for React.lazy). */
export default function AddServiceMenu({ initiallyOpen = false }: AddServiceMenuProps) {
  return (
    <Menu defaultOpen={initiallyOpen}>
      <MenuTrigger disableButtonEnhancement>
        <MenuButton appearance="primary" icon={<AddRegular />}>
          {en.services.addService}
        </MenuButton>
      </MenuTrigger>
      <MenuPopover>
        <MenuList aria-label={en.services.addServiceMenu}>
          <MenuItem onClick={() => navigate(paths.wizard())}>{en.services.directRouting}</MenuItem>
          <MenuItem onClick={() => navigate(paths.provisioningNew())}>{en.services.createAppRegistration}</MenuItem>
        </MenuList>
      </MenuPopover>
    </Menu>
  );
}
