// SPDX-License-Identifier: GPL-2.0-only
/*
 * Example vfio-pci variant driver for the (invented) Acme Frobnicator VF.
 * The VF cannot save its own state: the Acme PF driver quiesces it and
 * captures or restores its context through the acme_pf_mig_*() interface.
 */

#include <linux/anon_inodes.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/vfio_pci_core.h>
#include <linux/acme/acme_pf_mig.h>

#define PCI_VENDOR_ID_ACME		0x1e5a
#define PCI_DEVICE_ID_ACME_FROB_VF	0x0f11

struct acmevf_migration_file {
	struct mutex lock;
	size_t size;
	size_t max_size;
	u8 data[] __counted_by(max_size);
};

struct acmevf_core_device {
	struct vfio_pci_core_device core_device;
	struct acme_pf_mig *pf_mig;
	struct mutex state_mutex;
	enum vfio_device_mig_state mig_state;
	struct file *migf_filp;
};

static struct acmevf_core_device *to_acmevf(struct vfio_device *vdev)
{
	return container_of(vdev, struct acmevf_core_device, core_device.vdev);
}

static void acmevf_put_migf(struct acmevf_core_device *acme_vdev)
{
	if (acme_vdev->migf_filp) {
		fput(acme_vdev->migf_filp);
		acme_vdev->migf_filp = NULL;
	}
}

static int acmevf_release_file(struct inode *inode, struct file *filp)
{
	struct acmevf_migration_file *migf = filp->private_data;

	mutex_destroy(&migf->lock);
	kvfree(migf);
	return 0;
}

static ssize_t acmevf_save_read(struct file *filp, char __user *buf,
				size_t len, loff_t *pos)
{
	struct acmevf_migration_file *migf = filp->private_data;

	if (pos)
		return -ESPIPE;
	return simple_read_from_buffer(buf, len, &filp->f_pos, migf->data,
				       migf->size);
}

/**
 * acmevf_resume_write() - buffer VF state written by userspace
 * @filp: the resuming migration file
 * @buf: user buffer holding the next chunk of the saved state
 * @len: number of bytes in @buf
 * @pos: must be NULL, the file is a stream
 *
 * The state is an opaque blob produced by acme_pf_mig_save() on the source.
 * It is only buffered here, bounded by acme_pf_mig_state_size(); the PF
 * driver validates it in acme_pf_mig_load() on the RESUMING -> STOP arc.
 *
 * Return: number of bytes consumed, or a negative errno.
 */
static ssize_t acmevf_resume_write(struct file *filp, const char __user *buf,
				   size_t len, loff_t *pos)
{
	struct acmevf_migration_file *migf = filp->private_data;
	ssize_t done;

	if (pos)
		return -ESPIPE;
	mutex_lock(&migf->lock);
	done = simple_write_to_buffer(migf->data, migf->max_size, &filp->f_pos,
				      buf, len);
	if (done > 0)
		migf->size = max_t(size_t, migf->size, filp->f_pos);
	mutex_unlock(&migf->lock);
	return done;
}

static const struct file_operations acmevf_save_fops = {
	.owner = THIS_MODULE,
	.read = acmevf_save_read,
	.release = acmevf_release_file,
	.llseek = noop_llseek,
};

static const struct file_operations acmevf_resume_fops = {
	.owner = THIS_MODULE,
	.write = acmevf_resume_write,
	.release = acmevf_release_file,
	.llseek = noop_llseek,
};

static struct file *acmevf_open_migf(struct acmevf_core_device *acme_vdev,
				     const struct file_operations *fops,
				     int flags)
{
	struct acmevf_migration_file *migf;
	size_t size = acme_pf_mig_state_size(acme_vdev->pf_mig);
	struct file *filp;

	migf = kvzalloc(struct_size(migf, data, size), GFP_KERNEL_ACCOUNT);
	if (!migf)
		return ERR_PTR(-ENOMEM);
	migf->max_size = size;
	mutex_init(&migf->lock);

	filp = anon_inode_getfile("acmevf_mig", fops, migf, flags);
	if (IS_ERR(filp)) {
		kvfree(migf);
		return filp;
	}
	stream_open(filp->f_inode, filp);
	return filp;
}

static struct file *acmevf_step_state(struct acmevf_core_device *acme_vdev,
				      enum vfio_device_mig_state new)
{
	enum vfio_device_mig_state cur = acme_vdev->mig_state;
	struct acmevf_migration_file *migf;
	struct file *filp;
	int ret;

	if (cur == VFIO_DEVICE_STATE_RUNNING && new == VFIO_DEVICE_STATE_STOP) {
		/* The PF halts the VF's queues; no DMA is in flight afterwards */
		ret = acme_pf_mig_suspend(acme_vdev->pf_mig);
		return ret ? ERR_PTR(ret) : NULL;
	}
	if (cur == VFIO_DEVICE_STATE_STOP && new == VFIO_DEVICE_STATE_RUNNING) {
		ret = acme_pf_mig_resume(acme_vdev->pf_mig);
		return ret ? ERR_PTR(ret) : NULL;
	}
	if (cur == VFIO_DEVICE_STATE_STOP && new == VFIO_DEVICE_STATE_STOP_COPY) {
		filp = acmevf_open_migf(acme_vdev, &acmevf_save_fops, O_RDONLY);
		if (IS_ERR(filp))
			return filp;
		migf = filp->private_data;
		ret = acme_pf_mig_save(acme_vdev->pf_mig, migf->data,
				       migf->max_size);
		if (ret < 0) {
			fput(filp);
			return ERR_PTR(ret);
		}
		migf->size = ret;
		acme_vdev->migf_filp = get_file(filp);
		return filp;
	}
	if (cur == VFIO_DEVICE_STATE_STOP && new == VFIO_DEVICE_STATE_RESUMING) {
		filp = acmevf_open_migf(acme_vdev, &acmevf_resume_fops, O_WRONLY);
		if (!IS_ERR(filp))
			acme_vdev->migf_filp = get_file(filp);
		return filp;
	}
	if (cur == VFIO_DEVICE_STATE_RESUMING && new == VFIO_DEVICE_STATE_STOP) {
		migf = acme_vdev->migf_filp->private_data;
		mutex_lock(&migf->lock);
		ret = acme_pf_mig_load(acme_vdev->pf_mig, migf->data, migf->size);
		mutex_unlock(&migf->lock);
		acmevf_put_migf(acme_vdev);
		return ret ? ERR_PTR(ret) : NULL;
	}
	if (cur == VFIO_DEVICE_STATE_STOP_COPY && new == VFIO_DEVICE_STATE_STOP) {
		acmevf_put_migf(acme_vdev);
		return NULL;
	}
	return ERR_PTR(-EINVAL);
}

static struct file *
acmevf_set_device_state(struct vfio_device *vdev,
			enum vfio_device_mig_state new_state)
{
	struct acmevf_core_device *acme_vdev = to_acmevf(vdev);
	enum vfio_device_mig_state next_state;
	struct file *res = NULL;
	int ret;

	mutex_lock(&acme_vdev->state_mutex);
	while (new_state != acme_vdev->mig_state) {
		ret = vfio_mig_get_next_state(vdev, acme_vdev->mig_state,
					      new_state, &next_state);
		if (ret) {
			res = ERR_PTR(ret);
			break;
		}
		res = acmevf_step_state(acme_vdev, next_state);
		if (IS_ERR(res))
			break;
		acme_vdev->mig_state = next_state;
	}
	mutex_unlock(&acme_vdev->state_mutex);
	return res;
}

static int acmevf_get_device_state(struct vfio_device *vdev,
				   enum vfio_device_mig_state *curr_state)
{
	struct acmevf_core_device *acme_vdev = to_acmevf(vdev);

	mutex_lock(&acme_vdev->state_mutex);
	*curr_state = acme_vdev->mig_state;
	mutex_unlock(&acme_vdev->state_mutex);
	return 0;
}

static int acmevf_get_data_size(struct vfio_device *vdev,
				unsigned long *stop_copy_length)
{
	struct acmevf_core_device *acme_vdev = to_acmevf(vdev);

	*stop_copy_length = acme_pf_mig_state_size(acme_vdev->pf_mig);
	return 0;
}

static const struct vfio_migration_ops acmevf_mig_ops = {
	.migration_set_state = acmevf_set_device_state,
	.migration_get_state = acmevf_get_device_state,
	.migration_get_data_size = acmevf_get_data_size,
};

static int acmevf_init_dev(struct vfio_device *core_vdev)
{
	struct acmevf_core_device *acme_vdev = to_acmevf(core_vdev);

	mutex_init(&acme_vdev->state_mutex);
	core_vdev->migration_flags = VFIO_MIGRATION_STOP_COPY;
	core_vdev->mig_ops = &acmevf_mig_ops;
	return vfio_pci_core_init_dev(core_vdev);
}

static int acmevf_open_device(struct vfio_device *core_vdev)
{
	struct acmevf_core_device *acme_vdev = to_acmevf(core_vdev);
	int ret;

	ret = vfio_pci_core_enable(&acme_vdev->core_device);
	if (ret)
		return ret;
	acme_vdev->mig_state = VFIO_DEVICE_STATE_RUNNING;
	vfio_pci_core_finish_enable(&acme_vdev->core_device);
	return 0;
}

static void acmevf_close_device(struct vfio_device *core_vdev)
{
	struct acmevf_core_device *acme_vdev = to_acmevf(core_vdev);

	mutex_lock(&acme_vdev->state_mutex);
	acmevf_put_migf(acme_vdev);
	mutex_unlock(&acme_vdev->state_mutex);
	vfio_pci_core_close_device(core_vdev);
}

static const struct vfio_device_ops acmevf_pci_ops = {
	.name = "acme-vfio-pci",
	.init = acmevf_init_dev,
	.release = vfio_pci_core_release_dev,
	.open_device = acmevf_open_device,
	.close_device = acmevf_close_device,
	.ioctl = vfio_pci_core_ioctl,
	.device_feature = vfio_pci_core_ioctl_feature,
	.read = vfio_pci_core_read,
	.write = vfio_pci_core_write,
	.mmap = vfio_pci_core_mmap,
	.request = vfio_pci_core_request,
	.match = vfio_pci_core_match,
	.bind_iommufd = vfio_iommufd_physical_bind,
	.unbind_iommufd = vfio_iommufd_physical_unbind,
	.attach_ioas = vfio_iommufd_physical_attach_ioas,
	.detach_ioas = vfio_iommufd_physical_detach_ioas,
};

static int acmevf_pci_probe(struct pci_dev *pdev,
			    const struct pci_device_id *id)
{
	struct acmevf_core_device *acme_vdev;
	struct acme_pf_mig *pf_mig;
	int ret;

	pf_mig = acme_pf_mig_get(pdev);
	if (IS_ERR(pf_mig))
		return PTR_ERR(pf_mig);

	acme_vdev = vfio_alloc_device(acmevf_core_device, core_device.vdev,
				      &pdev->dev, &acmevf_pci_ops);
	if (IS_ERR(acme_vdev))
		return PTR_ERR(acme_vdev);
	acme_vdev->pf_mig = pf_mig;
	dev_set_drvdata(&pdev->dev, &acme_vdev->core_device);

	ret = vfio_pci_core_register_device(&acme_vdev->core_device);
	if (ret)
		vfio_put_device(&acme_vdev->core_device.vdev);
	return ret;
}

static void acmevf_pci_remove(struct pci_dev *pdev)
{
	struct acmevf_core_device *acme_vdev = dev_get_drvdata(&pdev->dev);

	vfio_pci_core_unregister_device(&acme_vdev->core_device);
	vfio_put_device(&acme_vdev->core_device.vdev);
}

static const struct pci_device_id acmevf_pci_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_ACME, PCI_DEVICE_ID_ACME_FROB_VF) },
	{}
};
MODULE_DEVICE_TABLE(pci, acmevf_pci_table);

static struct pci_driver acmevf_pci_driver = {
	.name = KBUILD_MODNAME,
	.id_table = acmevf_pci_table,
	.probe = acmevf_pci_probe,
	.remove = acmevf_pci_remove,
	.err_handler = &vfio_pci_core_err_handlers,
	.driver_managed_dma = true,
};
module_pci_driver(acmevf_pci_driver);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Acme Example Authors");
MODULE_DESCRIPTION("Example VFIO PCI variant driver for Acme Frobnicator VFs");
